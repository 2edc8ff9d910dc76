import { describe, expect, it } from 'vitest';
import type { Queryable } from '../../src/db/database.js';
import { newId } from '../../src/db/ids.js';
import { NotFound } from '../../src/errors.js';
import { TAGGING_KARMA, taggingKarmaMessage } from '../../src/policy/policy.js';
import { deletePost, savePost } from '../../src/posts/service.js';
import { applyTag } from '../../src/tags/links-service.js';
import { tagPosts } from '../../src/tags/queries.js';
import { type RelevanceKind, voteOnRelevance } from '../../src/tags/relevance.js';
import { TEST_ORIGIN, TestClient, useTestApp } from '../helpers/app.js';
import { actorOf, makePost, makeUser } from '../helpers/factories.js';
import { makeTag, makeTagger, taggerClient } from './tags-helpers.js';

const { db, app } = useTestApp();

async function linkOf(postId: string, tagId: string) {
  const [row] = await db.query<{ relevance: number; voteCount: number; appliedBy: string }>(
    `SELECT relevance, vote_count AS "voteCount", applied_by AS "appliedBy" FROM post_tags
      WHERE post_id = $1 AND tag_id = $2`,
    [postId, tagId],
  );
  return row;
}

async function postCountOf(tagId: string): Promise<number> {
  const [row] = await db.query<{ postCount: number }>('SELECT post_count AS "postCount" FROM tags WHERE id = $1', [
    tagId,
  ]);
  return row!.postCount;
}

/** A published post carrying a fresh tag applied by a tagger with 20 karma (relevance 1). */
async function taggedPost() {
  const [post, tag, tagger] = await Promise.all([makePost(db), makeTag(db), makeTagger(db)]);
  await applyTag(db, actorOf(tagger), post.id, tag.id);
  return { post, tag, tagger };
}

const vote = (voterId: string, postId: string, tagId: string, kind: RelevanceKind, shown: RelevanceKind | null) =>
  voteOnRelevance(db, { voterId, postId, tagId, kind, shown });

describe('applying tags (POST /posts/:postId/tags)', () => {
  it(`refuses a member below ${TAGGING_KARMA} karma on another's post, and takes one at ${TAGGING_KARMA}`, async () => {
    const [post, tag] = await Promise.all([makePost(db), makeTag(db)]);
    const low = await taggerClient(app, db, TAGGING_KARMA - 1);
    const refused = await low.client.post(`/posts/${post.id}/tags`, { tagId: tag.id });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain(taggingKarmaMessage(TAGGING_KARMA - 1).replace(/'/g, '&#39;'));
    expect(await linkOf(post.id, tag.id)).toBeUndefined();

    const enough = await taggerClient(app, db, TAGGING_KARMA);
    const applied = await enough.client.post(`/posts/${post.id}/tags`, { tagId: tag.id });
    expect(applied.status).toBe(303);
    expect(applied.headers.get('location')).toBe(`/posts/${post.id}/${post.slug}#post-tags`);
    expect(await linkOf(post.id, tag.id)).toEqual({ relevance: 1, voteCount: 1, appliedBy: enough.user.id });
    expect(await postCountOf(tag.id)).toBe(1);
    const page = await (await new TestClient(app).get(`/posts/${post.id}/${post.slug}`)).text();
    expect(page).toContain(`href="/tags/${tag.slug}"`);
  });

  it('lets an author at 0 karma tag their own post, counting their vote power', async () => {
    const author = await makeUser(db);
    const [post, tag] = await Promise.all([makePost(db, { authorId: author.id }), makeTag(db)]);
    const client = new TestClient(app);
    await client.logIn(author.username, author.password);
    expect((await client.post(`/posts/${post.id}/tags`, { tagId: tag.id })).status).toBe(303);
    expect(await linkOf(post.id, tag.id)).toMatchObject({ relevance: 1, voteCount: 1 });
    // A strong voter's application counts their normal power: 2 from 1,000 karma.
    const big = await makeTagger(db, 1_000);
    const other = await makeTag(db);
    await applyTag(db, actorOf(big), post.id, other.id);
    expect(await linkOf(post.id, other.id)).toMatchObject({ relevance: 2, voteCount: 1 });
  });

  it('takes a tag already on the post as the applier’s upvote once, and a double submit as one', async () => {
    const { post, tag } = await taggedPost();
    const second = await taggerClient(app, db);
    const submits = await Promise.all(
      [1, 2].map(() => second.client.post(`/posts/${post.id}/tags`, { tagId: tag.id })),
    );
    expect(submits.map((r) => r.status)).toEqual([303, 303]);
    expect(await linkOf(post.id, tag.id)).toMatchObject({ relevance: 2, voteCount: 2 });

    const [fresh, other] = await Promise.all([makePost(db), makeTag(db)]);
    const tagger = await makeTagger(db);
    await Promise.all([1, 2].map(() => applyTag(db, actorOf(tagger), fresh.id, other.id)));
    expect(await linkOf(fresh.id, other.id)).toMatchObject({ relevance: 1, voteCount: 1 });
    expect(await postCountOf(other.id)).toBe(1);
  });

  it('answers bad input with a 4xx naming the field, never a 500', async () => {
    const [post, tag] = await Promise.all([makePost(db), makeTag(db)]);
    const { client } = await taggerClient(app, db);
    const expectStatus = async (path: string, form: Record<string, string>, status: number, words: string) => {
      const response = await client.post(path, form);
      expect(response.status).toBe(status);
      expect(await response.text()).toContain(words);
    };
    await expectStatus(`/posts/${post.id}/tags`, { tagId: newId() }, 422, 'There is no tag with the id');
    await expectStatus(`/posts/${post.id}/tags`, { tagId: 'not an id' }, 422, 'tagId is not a valid id.');
    await expectStatus(`/posts/${post.id}/tags`, {}, 422, 'Type or choose the name of a tag to add.');
    await expectStatus(`/posts/${post.id}/tags`, { tag: '   ' }, 422, 'Type or choose the name of a tag to add.');
    await expectStatus(
      `/posts/${post.id}/tags`,
      { tag: 'No such <b>tag</b>' },
      422,
      'No tag is named “No such &lt;b&gt;tag&lt;/b&gt;”.',
    );
    await expectStatus(`/posts/${post.id}/tags`, { tag: 'x'.repeat(201) }, 422, 'tag is too long');
    // By name, however cased and spaced: the tag is applied.
    const byName = await client.post(`/posts/${post.id}/tags`, { tag: `  ${tag.name.toUpperCase()} ` });
    expect(byName.status).toBe(303);
    const [link] = await db.query('SELECT relevance FROM post_tags WHERE post_id = $1 AND tag_id = $2', [
      post.id,
      tag.id,
    ]);
    expect(link).toEqual({ relevance: 1 });
    await db.query('DELETE FROM post_tags WHERE post_id = $1', [post.id]);
    await expectStatus('/posts/bad/tags', { tagId: tag.id }, 422, 'postId is not a valid id.');
    await expectStatus(`/posts/${newId()}/tags`, { tagId: tag.id }, 404, 'does not exist');
    const deleted = await makeTag(db);
    await db.query('UPDATE tags SET deleted_at = now() WHERE id = $1', [deleted.id]);
    await expectStatus(`/posts/${post.id}/tags`, { tagId: deleted.id }, 422, 'deleted or merged');

    const path = `/posts/${post.id}/tags/${tag.id}/relevance`;
    await expectStatus(path, { relevance: 'up/none' }, 404, 'does not carry that tag');
    await expectStatus(`/posts/${post.id}/tags/nope/relevance`, { relevance: 'up/none' }, 422, 'tagId is not a valid');
    await expectStatus(path, { relevance: 'sideways/none' }, 422, 'relevance must be');
    await expectStatus(path, { relevance: 'up' }, 422, 'relevance must be');
    await expectStatus(path, {}, 422, 'relevance is missing');
    const anonymous = await new TestClient(app).post(`/posts/${post.id}/tags`, { tagId: tag.id });
    expect(anonymous.status).toBe(403);
  });
});

describe('relevance votes', () => {
  it('adds each vote power, switches and cancels exactly (POST …/relevance)', async () => {
    const { post, tag } = await taggedPost();
    const reader = await taggerClient(app, db, 0);
    const press = (value: string) =>
      reader.client.post(`/posts/${post.id}/tags/${tag.id}/relevance`, {
        relevance: value,
        returnTo: `/posts/${post.id}/${post.slug}?sort=new`,
      });
    const up = await press('up/none');
    expect(up.status).toBe(303);
    expect(up.headers.get('location')).toBe(`/posts/${post.id}/${post.slug}?sort=new#post-tags`);
    expect(await linkOf(post.id, tag.id)).toMatchObject({ relevance: 2, voteCount: 2 });
    await press('up/none'); // the same form again: unchanged
    expect(await linkOf(post.id, tag.id)).toMatchObject({ relevance: 2, voteCount: 2 });

    const heavy = await makeTagger(db, 1_000);
    await vote(heavy.id, post.id, tag.id, 'down', null);
    expect(await linkOf(post.id, tag.id)).toMatchObject({ relevance: 0, voteCount: 3 });
    await press('down/up'); // switched
    expect(await linkOf(post.id, tag.id)).toMatchObject({ relevance: -2, voteCount: 3 });
    await press('down/down'); // cancelled
    expect(await linkOf(post.id, tag.id)).toMatchObject({ relevance: -1, voteCount: 2 });
    const strong = await makeTagger(db, 100);
    const result = await vote(strong.id, post.id, tag.id, 'strongUp', null);
    expect(result).toMatchObject({ relevance: 2, voteCount: 3, current: 'strongUp' });
    // The stored total equals the sum of the stored votes.
    const [sum] = await db.query<{ total: number; n: number }>(
      'SELECT sum(power)::int AS total, count(*)::int AS n FROM post_tag_votes WHERE post_id = $1 AND tag_id = $2',
      [post.id, tag.id],
    );
    expect(sum).toEqual({ total: 2, n: 3 });
  });

  it('answers the client script with the new totals, and bad JSON with a 422 naming the field', async () => {
    const { post, tag } = await taggedPost();
    const { client } = await taggerClient(app, db, 0);
    await client.get('/');
    const send = (body: string, path = `/api/posts/${post.id}/tags/${tag.id}/relevance`) =>
      client.request(path, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          'x-csrf-token': client.cookies.get('lyceum_csrf') ?? '',
          origin: TEST_ORIGIN,
        },
        body,
      });
    const ok = await send(JSON.stringify({ relevance: 'strongDown/none' }));
    expect(await ok.json()).toEqual({
      postId: post.id,
      tagId: tag.id,
      relevance: 0,
      voteCount: 2,
      current: 'strongDown',
    });
    const notJson = await send('{');
    expect(notJson.status).toBe(422);
    expect(await notJson.json()).toMatchObject({ fields: { relevance: 'The body is not JSON.' } });
    const wrong = await send(JSON.stringify({ relevance: 42 }));
    expect(wrong.status).toBe(422);
    expect((await wrong.json()) as object).toHaveProperty('fields.relevance');
    expect((await send('{}', `/api/posts/${post.id}/tags/${newId()}/relevance`)).status).toBe(422);
    expect((await send('{"relevance":"up/none"}', `/api/posts/${post.id}/tags/${newId()}/relevance`)).status).toBe(404);
  });

  it('counts a concurrent double submit once', async () => {
    const { post, tag } = await taggedPost();
    const voters = await Promise.all([makeUser(db), makeUser(db)]);
    await Promise.all(voters.flatMap((voter) => [1, 2, 3].map(() => vote(voter.id, post.id, tag.id, 'up', null))));
    expect(await linkOf(post.id, tag.id)).toMatchObject({ relevance: 3, voteCount: 3 });
    await Promise.all([1, 2].map(() => vote(voters[0]!.id, post.id, tag.id, 'up', 'up')));
    expect(await linkOf(post.id, tag.id)).toMatchObject({ relevance: 2, voteCount: 2 });
  });

  it('hides a link below 0 from the tag page and from logged-out readers, folding it for logged-in ones', async () => {
    const { post, tag } = await taggedPost();
    const path = `/posts/${post.id}/${post.slug}`;
    const critics = await Promise.all([makeUser(db), makeUser(db)]);
    for (const critic of critics) await vote(critic.id, post.id, tag.id, 'down', null);
    expect(await linkOf(post.id, tag.id)).toMatchObject({ relevance: -1 });
    expect(await postCountOf(tag.id)).toBe(0);
    expect(await tagPosts(db, tag.id, 'relevance', 10)).toEqual([]);
    expect(await (await new TestClient(app).get(path)).text()).not.toContain(`/tags/${tag.slug}`);
    const reader = await taggerClient(app, db, 0);
    const page = await (await reader.client.get(path)).text();
    expect(page).toMatch(/<details class="post-tags-low"><summary>1 low-relevance tag/);
    expect(page).toContain(`/tags/${tag.slug}`);
    // Voted back up from there, it returns to the list and the count.
    await reader.client.post(`/posts/${post.id}/tags/${tag.id}/relevance`, { relevance: 'up/none' });
    expect(await postCountOf(tag.id)).toBe(1);
    expect(await (await new TestClient(app).get(path)).text()).toContain(`/tags/${tag.slug}`);
  });
});

describe('post counts', () => {
  it('follow the post through unpublish, publish and deletion', async () => {
    const author = await makeUser(db);
    const [post, tag] = await Promise.all([makePost(db, { authorId: author.id }), makeTag(db)]);
    const actor = actorOf(author.id);
    const input = { title: post.title, body: 'Some text.', note: '' };
    await applyTag(db, { ...actor, karma: 0 }, post.id, tag.id);
    expect(await postCountOf(tag.id)).toBe(1);
    await savePost(db, actor, post.id, input, 'unpublish');
    expect(await postCountOf(tag.id)).toBe(0);
    // A draft tagged by its author: counted once published.
    const other = await makeTag(db);
    await applyTag(db, { ...actor, karma: 0 }, post.id, other.id);
    expect(await postCountOf(other.id)).toBe(0);
    await savePost(db, actor, post.id, input, 'publish');
    expect([await postCountOf(tag.id), await postCountOf(other.id)]).toEqual([1, 1]);
    await deletePost(db, actor, post.id);
    expect([await postCountOf(tag.id), await postCountOf(other.id)]).toEqual([0, 0]);
    // Every count equals a recount from the links.
    await expectCountsExact(db);
  });

  it('stay exact when votes cross 0 while posts are tagged, unpublished and deleted at once', async () => {
    const author = await makeUser(db);
    const actor = actorOf(author.id, { karma: 0 });
    const posts = await Promise.all([1, 2, 3].map(() => makePost(db, { authorId: author.id })));
    const tags = await Promise.all([1, 2, 3].map(() => makeTag(db)));
    const voters = await Promise.all([1, 2].map(() => makeUser(db)));
    const [first, second, third] = posts as [(typeof posts)[0], (typeof posts)[0], (typeof posts)[0]];
    await Promise.all(tags.map((tag) => applyTag(db, actor, first.id, tag.id)));
    const input = { title: 'Title', body: 'Text.', note: '' };
    const outcomes = await Promise.allSettled([
      // Each link of the first post voted to -1 and the second post's tagged, in both orders of tags.
      ...voters.flatMap((voter) => tags.map((tag) => vote(voter.id, first.id, tag.id, 'down', null))),
      ...tags.map((tag) => applyTag(db, actor, second.id, tag.id)),
      ...[...tags].reverse().map((tag) => applyTag(db, actor, third.id, tag.id)),
      savePost(db, actor, second.id, input, 'unpublish'),
      deletePost(db, actor, third.id),
    ]);
    // Tagging the third post fails once it is deleted (404); nothing else fails (no deadlock, no error).
    const failures = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
    expect(failures.filter((error) => !(error instanceof NotFound))).toEqual([]);
    await expectCountsExact(db);
    expect(await Promise.all(tags.map((tag) => postCountOf(tag.id)))).toEqual([0, 0, 0]);
  });
});

describe('change notifications', () => {
  it('a link change announces its post’s tag list and its tag, not the post', async () => {
    const { post, tag } = await taggedPost();
    const heard: string[] = [];
    const marker = `mark-${newId()}`;
    let done!: () => void;
    const finished = new Promise<void>((resolve) => {
      done = resolve;
    });
    const listener = await db.listen('lyceum_cache', {
      onMessage(message) {
        if (message === marker) done();
        else heard.push(message);
      },
    });
    try {
      await vote((await makeUser(db)).id, post.id, tag.id, 'up', null);
      await db.query('SELECT pg_notify($1, $2)', ['lyceum_cache', marker]);
      await finished;
    } finally {
      await listener.stop();
    }
    expect(heard).toContain(`post-tags:${post.id}`);
    expect(heard).toContain(`tag:${tag.id}`);
    expect(heard).not.toContain(`post:${post.id}`);
  });
});

async function expectCountsExact(q: Queryable) {
  const wrong = await q.query(
    `SELECT t.id FROM tags t
      WHERE t.post_count <> (SELECT count(*) FROM post_tags pt JOIN posts p ON p.id = pt.post_id
                              WHERE pt.tag_id = t.id AND pt.relevance >= 0
                                AND p.status = 'published' AND p.deleted_at IS NULL)`,
  );
  expect(wrong).toEqual([]);
}
