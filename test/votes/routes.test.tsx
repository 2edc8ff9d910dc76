import { describe, expect, it } from 'vitest';
import { newId } from '../../src/db/ids.js';
import { VoteButtons, type VoteButtonsProps, voteFormHtml } from '../../src/votes/views.js';
import { TEST_ORIGIN, TestClient, useTestApp } from '../helpers/app.js';
import { makeComment, makePost, makeUser, type TestUser } from '../helpers/factories.js';
import { karmaOf, totalsOf, userWithKarma } from './setup.js';

const { db, app } = useTestApp();

async function loggedIn(user?: TestUser) {
  const who = user ?? (await makeUser(db));
  const client = new TestClient(app);
  await client.logIn(who.username, who.password);
  return { client, user: who };
}

/** The client script's request: JSON with the CSRF token in a header. */
async function postVoteJson(client: TestClient, body: unknown) {
  if (!client.cookies.has('lyceum_csrf')) await client.get('/');
  const response = await client.request('/api/votes', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      'x-csrf-token': client.cookies.get('lyceum_csrf') ?? '',
      origin: TEST_ORIGIN,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('voting without JavaScript (POST /votes)', () => {
  it('records the vote and returns to the same page and anchor', async () => {
    const { client } = await loggedIn();
    const comment = await makeComment(db);
    const returnTo = `/posts/${comment.postId}/a-post#comment-${comment.id}`;
    const response = await client.post('/votes', {
      targetType: 'comment',
      targetId: comment.id,
      kind: 'up',
      shown: 'none',
      returnTo,
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(returnTo);
    expect(await totalsOf(db, 'comment', comment.id)).toMatchObject({ score: 2, voteCount: 2 });
    expect(await karmaOf(db, comment.authorId)).toBe(1);

    // The same form submitted again (the page was not reloaded) keeps the vote.
    await client.post('/votes', { targetType: 'comment', targetId: comment.id, kind: 'up', shown: 'none', returnTo });
    expect(await totalsOf(db, 'comment', comment.id)).toMatchObject({ score: 2, voteCount: 2 });
  });

  it('takes a vote button’s value with the page’s way back, and returns to the item voted on', async () => {
    const { client } = await loggedIn();
    const comment = await makeComment(db);
    const page = `/posts/${comment.postId}/a-post?sort=new&page=2`;
    const press = (kind: string, shown: string) =>
      client.post('/votes', { vote: `comment/${comment.id}/${kind}/${shown}`, returnTo: `${page}#comments` });
    const response = await press('up', 'none');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`${page}#comment-${comment.id}`);
    expect(await totalsOf(db, 'comment', comment.id)).toMatchObject({ score: 2, voteCount: 2 });
    // Pressed again from a page that showed the vote: taken back.
    await press('up', 'up');
    expect(await totalsOf(db, 'comment', comment.id)).toMatchObject({ score: 1, voteCount: 1 });
    await press('agree', 'none');
    expect(await totalsOf(db, 'comment', comment.id)).toMatchObject({ agreementCount: 1 });

    const post = await makePost(db);
    const onPost = await client.post('/votes', { vote: `post/${post.id}/strongUp/none`, returnTo: '/x' });
    expect(onPost.headers.get('location')).toBe('/x#post-votes');
    expect(await totalsOf(db, 'post', post.id)).toMatchObject({ voteCount: 2 });
  });

  it('answers a malformed vote button value with a 422 naming the part, changing nothing', async () => {
    const { client } = await loggedIn();
    const comment = await makeComment(db);
    const cases: [string, string][] = [
      [`comment/${comment.id}/up`, 'vote must be a target type, an id, a kind and the vote shown'],
      [`comment/${comment.id}/up/none/extra`, 'vote must be a target type'],
      [`comment/${comment.id}/sideways/none`, 'kind must be one of'],
      [`comment/${comment.id}/up/agree`, 'shown'],
      [`user/${comment.id}/up/none`, 'targetType must be post or comment.'],
      [`comment/<script>/up/none`, 'targetId is not a valid id.'],
      ['', 'vote must be a target type'],
      ['x'.repeat(5000), 'vote is too long.'],
    ];
    for (const [vote, message] of cases) {
      const response = await client.post('/votes', { vote, returnTo: '/' });
      expect(response.status, vote.slice(0, 50)).toBe(422);
      const text = await response.text();
      expect(text).toContain(message);
      expect(text).not.toContain('<script>/up');
    }
    expect(await totalsOf(db, 'comment', comment.id)).toMatchObject({ score: 1, voteCount: 1, agreementCount: 0 });
  });

  it('returns only to paths on this site', async () => {
    const { client } = await loggedIn();
    const comment = await makeComment(db);
    for (const returnTo of ['https://evil.example/', '//evil.example/x', '/\\evil.example', '']) {
      const response = await client.post('/votes', {
        targetType: 'comment',
        targetId: comment.id,
        kind: 'agree',
        returnTo,
      });
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe('/');
    }
  });

  it('asks a logged-out reader to log in, changing nothing', async () => {
    const comment = await makeComment(db);
    const response = await new TestClient(app).post('/votes', {
      targetType: 'comment',
      targetId: comment.id,
      kind: 'up',
    });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('Log in to vote.');
    expect(await totalsOf(db, 'comment', comment.id)).toMatchObject({ score: 1, voteCount: 1 });
  });

  it('refuses a vote on one’s own post with a page saying why', async () => {
    const { client, user } = await loggedIn();
    const post = await makePost(db, { authorId: user.id });
    const response = await client.post('/votes', { targetType: 'post', targetId: post.id, kind: 'strongUp' });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('You cannot vote on your own post.');
    expect(await totalsOf(db, 'post', post.id)).toMatchObject({ score: 1, voteCount: 1 });
  });

  it('answers bad input with a 4xx naming the field, never a 500', async () => {
    const { client } = await loggedIn();
    const comment = await makeComment(db);
    const cases: [Record<string, string>, number, string][] = [
      [{ targetType: 'comment', targetId: 'garbage', kind: 'up' }, 422, 'targetId is not a valid id.'],
      [{ targetType: 'comment', targetId: comment.id, kind: 'mega' }, 422, 'kind must be one of'],
      [{ targetType: 'comment', targetId: comment.id }, 422, 'kind must be one of'],
      [{ targetType: 'comment', kind: 'up' }, 422, 'targetId is missing'],
      [{ targetType: 'user', targetId: comment.id, kind: 'up' }, 422, 'targetType must be post or comment.'],
      [{ targetType: 'comment', targetId: comment.id, kind: 'up', shown: 'agree' }, 422, 'shown'],
      [{ targetType: 'comment', targetId: newId(), kind: 'up' }, 404, 'This comment does not exist'],
      [{ targetType: 'post', targetId: comment.id, kind: 'up' }, 404, 'This post does not exist'],
    ];
    for (const [form, status, message] of cases) {
      const response = await client.post('/votes', form);
      expect(response.status, JSON.stringify(form)).toBe(status);
      expect(await response.text()).toContain(message);
    }
    expect(await totalsOf(db, 'comment', comment.id)).toMatchObject({ score: 1, voteCount: 1, agreementCount: 0 });
  });

  it('refuses a form without its CSRF token', async () => {
    const { client } = await loggedIn();
    const comment = await makeComment(db);
    const response = await client.post(
      '/votes',
      { targetType: 'comment', targetId: comment.id, kind: 'up' },
      { csrf: null },
    );
    expect(response.status).toBe(403);
    expect(await totalsOf(db, 'comment', comment.id)).toMatchObject({ score: 1, voteCount: 1 });
  });
});

describe('voting from the client script (POST /api/votes)', () => {
  it('answers with the new totals and the current vote', async () => {
    const { client } = await loggedIn(await userWithKarma(db, 5_000)); // strong 8, normal 2
    const comment = await makeComment(db);
    const strong = await postVoteJson(client, { targetType: 'comment', targetId: comment.id, kind: 'strongUp' });
    expect(strong).toEqual({
      status: 200,
      json: { targetType: 'comment', targetId: comment.id, axis: 'karma', score: 9, voteCount: 2, current: 'strongUp' },
    });
    const agree = await postVoteJson(client, {
      targetType: 'comment',
      targetId: comment.id,
      kind: 'agree',
      shown: 'none',
    });
    expect(agree.json).toMatchObject({ axis: 'agreement', score: 2, voteCount: 1, current: 'agree' });
    const cancel = await postVoteJson(client, { targetType: 'comment', targetId: comment.id, kind: 'strongUp' });
    expect(cancel.json).toMatchObject({ score: 1, voteCount: 1, current: null });
  });

  it('answers errors as JSON with the field named', async () => {
    const comment = await makeComment(db);
    const anonymous = new TestClient(app);
    expect(await postVoteJson(anonymous, { targetType: 'comment', targetId: comment.id, kind: 'up' })).toEqual({
      status: 403,
      json: { error: 'Log in to vote.', fields: {} },
    });

    const { client } = await loggedIn();
    const post = await makePost(db);
    const onPost = await postVoteJson(client, { targetType: 'post', targetId: post.id, kind: 'disagree' });
    expect(onPost.status).toBe(422);
    expect(onPost.json.fields).toEqual({ kind: 'Agree and disagree apply to comments only.' });
    const notJson = await postVoteJson(client, '{nope');
    expect(notJson.status).toBe(422);
    const wrongShape = await postVoteJson(client, [1, 2]);
    expect(wrongShape.status).toBe(422);
    const numbers = await postVoteJson(client, { targetType: 'comment', targetId: 42, kind: 'up' });
    expect(numbers.status).toBe(422);
    expect((numbers.json.fields as Record<string, string>).targetId).toBeTruthy();
    expect(await totalsOf(db, 'post', post.id)).toMatchObject({ score: 1, voteCount: 1 });
  });

  it('answers the rate limit with 429 and the wait', async () => {
    const { client, user } = await loggedIn();
    const comment = await makeComment(db);
    await db.query(`INSERT INTO vote_actions (user_id) SELECT $1 FROM generate_series(1, 100)`, [user.id]);
    const limited = await postVoteJson(client, { targetType: 'comment', targetId: comment.id, kind: 'up' });
    expect(limited.status).toBe(429);
    expect(limited.json.error).toMatch(/^You have voted 100 times in the last hour; try again in (59|60) minutes\.$/);
  });
});

describe('the vote buttons', () => {
  const base: VoteButtonsProps = {
    targetType: 'comment',
    targetId: 'C0mment000000000a',
    axis: 'karma',
    score: 12,
    voteCount: 5,
    current: 'up',
    returnTo: '/posts/P/slug#comment-C0mment000000000a',
    loggedIn: true,
  };
  const render = (props: Partial<VoteButtonsProps>) => String(<VoteButtons {...base} {...props} />);

  it('are real buttons submitting the page’s vote form, each naming its target and kind, showing which is pressed', () => {
    const html = render({});
    for (const [kind, name, pressed] of [
      ['strongDown', 'Strong downvote', 'false'],
      ['down', 'Downvote', 'false'],
      ['up', 'Upvote', 'true'],
      ['strongUp', 'Strong upvote', 'false'],
    ]) {
      expect(html).toMatch(
        new RegExp(
          `<button type="submit" form="vote-form" name="vote" value="comment/C0mment000000000a/${kind}/up"( class="vote-strong")? aria-label="${name}" aria-pressed="${pressed}"`,
        ),
      );
    }
    // Nothing of the reader's but their vote: no token, so every reader's buttons are alike.
    expect(html).not.toContain('_csrf');
    // A group named for what it votes on; the score's tooltip says how many votes make it.
    expect(html).toMatch(/<span class="vote vote-karma" role="group" aria-label="Karma"/);
    expect(html).toContain('title="Karma 12, from 5 votes"');
    // Arrows, doubled for strong votes (marked so they look different pressed), nothing like a pager's « ‹ › ».
    expect(html).toMatch(
      /value="comment\/C0mment000000000a\/strongUp\/up" class="vote-strong" aria-label="Strong upvote"/,
    );
    expect(html).toMatch(/aria-label="Upvote" aria-pressed="true" title="Upvote">↑<\/button>/);
    expect(html).not.toMatch(/[«‹›»]/);
    expect(html).toContain('>12</span>');
    expect(html.length).toBeLessThan(1_100);
  });

  it('submit one form per page, which carries the CSRF token and the way back', () => {
    const form = String(voteFormHtml('tok"en', '/posts/P/slug?sort=new'));
    expect(form).toContain('<form id="vote-form" method="post" action="/votes" hidden="">');
    expect(form).toContain('name="_csrf" value="tok&quot;en"');
    expect(form).toContain('name="returnTo" value="/posts/P/slug?sort=new"');
  });

  it('offer Agree and Disagree on the agreement axis', () => {
    const html = render({ axis: 'agreement', current: null, score: -3 });
    expect(html).toContain('aria-label="Agree" aria-pressed="false"');
    expect(html).toContain('aria-label="Disagree" aria-pressed="false"');
    expect(html).not.toContain('Upvote');
    expect(html).toContain('value="comment/C0mment000000000a/agree/none"');
  });

  it('show a logged-out reader the score and a way to log in', () => {
    const html = render({ loggedIn: false });
    expect(html).not.toContain('<button');
    expect(html).toContain('>12</span>');
    expect(html).toContain(`href="/login?next=${encodeURIComponent(base.returnTo)}"`);
    expect(html).toContain('Log in to vote');
  });

  it('cannot be pressed on one’s own content', () => {
    const html = render({ disabled: true });
    expect(html.match(/<button[^>]* disabled=""/g)).toHaveLength(4);
    expect(html).toContain('You cannot vote on your own comment.');
  });
});
