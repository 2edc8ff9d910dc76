import { describe, expect, it } from 'vitest';
import type { Queryable } from '../../src/db/database.js';
import { newId } from '../../src/db/ids.js';
import { savePost } from '../../src/posts/service.js';
import { applyTag } from '../../src/tags/links-service.js';
import { voteOnRelevance } from '../../src/tags/relevance.js';
import { TEST_ORIGIN, TestClient, useTestApp } from '../helpers/app.js';
import { actorOf, makePost, makeUser } from '../helpers/factories.js';
import { makeTag, makeTagger } from './tags-helpers.js';

const { db, app } = useTestApp();

/** Posts a form whose fields may repeat (a multiple select), as a browser on our origin would. */
async function postPairs(client: TestClient, path: string, pairs: [string, string][]) {
  if (!client.cookies.has('lyceum_csrf')) await client.get('/login');
  const body = new URLSearchParams([...pairs, ['_csrf', client.cookies.get('lyceum_csrf') ?? '']]);
  return client.request(path, {
    method: 'POST',
    body: body.toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: TEST_ORIGIN },
  });
}

async function author() {
  const user = await makeUser(db);
  const client = new TestClient(app);
  await client.logIn(user.username, user.password);
  return { user, client };
}

async function linksOf(postId: string) {
  return db.query<{ tagId: string; relevance: number }>(
    'SELECT tag_id AS "tagId", relevance FROM post_tags WHERE post_id = $1 ORDER BY tag_id',
    [postId],
  );
}

const tagPairs = (ids: string[]): [string, string][] => [
  ['tagsShown', '1'],
  ...ids.map((id): [string, string] => ['tags', id]),
];

describe('choosing tags in the editor', () => {
  it('publishes a new post with the chosen tags, each with the author’s upvote', async () => {
    const { user, client } = await author();
    const tags = await Promise.all([makeTag(db), makeTag(db), makeTag(db)]);
    const editor = await (await client.get('/posts/new')).text();
    expect(editor).toContain('<select id="field-tags" name="tags" multiple');
    expect(editor).toContain(`<option value="${tags[0].id}">${tags[0].name}</option>`);
    const response = await postPairs(client, '/posts/new', [
      ['title', 'Tagged from the start'],
      ['body', 'Text.'],
      ['intent', 'publish'],
      ...tagPairs([tags[0].id, tags[1].id]),
    ]);
    expect(response.status).toBe(303);
    const [post] = await db.query<{ id: string }>('SELECT id FROM posts WHERE author_id = $1', [user.id]);
    const expected = [tags[0].id, tags[1].id].sort().map((tagId) => ({ tagId, relevance: 1 }));
    expect(await linksOf(post!.id)).toEqual(expected);
    const page = await (await client.get(response.headers.get('location')!)).text();
    expect(page).toContain(`href="/tags/${tags[1].slug}"`);
  });

  it('takes back the author’s own tags and votes down others’ when unchosen', async () => {
    const { user, client } = await author();
    const post = await makePost(db, { authorId: user.id });
    const [own, others] = await Promise.all([makeTag(db), makeTag(db)]);
    await applyTag(db, actorOf(user.id, { karma: 0 }), post.id, own.id);
    const tagger = await makeTagger(db, 1_000);
    await applyTag(db, actorOf(tagger), post.id, others.id);
    const editor = await (await client.get(`/posts/${post.id}/edit`)).text();
    expect(editor).toContain(`<option value="${own.id}" selected="">`);
    expect(editor).toContain(`<option value="${others.id}" selected="">`);

    const save = (ids: string[]) =>
      postPairs(client, `/posts/${post.id}/edit`, [
        ['title', post.title],
        ['body', 'Some text with math $x^2$.'],
        ['intent', 'save'],
        ...tagPairs(ids),
      ]);
    expect((await save([])).status).toBe(303);
    expect(await linksOf(post.id)).toEqual([{ tagId: others.id, relevance: 1 }]);
    // Unchosen in the editor from now on, and the same form again changes nothing.
    expect(await (await client.get(`/posts/${post.id}/edit`)).text()).not.toContain(`"${others.id}" selected`);
    await save([]);
    expect(await linksOf(post.id)).toEqual([{ tagId: others.id, relevance: 1 }]);
    // Chosen again: the author's vote turns up.
    await save([others.id]);
    expect(await linksOf(post.id)).toEqual([{ tagId: others.id, relevance: 3 }]);
    // A form without the tag field (an API client, an old page) leaves the tags alone.
    await postPairs(client, `/posts/${post.id}/edit`, [
      ['title', post.title],
      ['body', 'Other text.'],
      ['intent', 'save'],
    ]);
    expect(await linksOf(post.id)).toEqual([{ tagId: others.id, relevance: 3 }]);
  });

  it('shows the chosen tags again with a 422, and saves nothing with an unknown tag', async () => {
    const { user, client } = await author();
    const tag = await makeTag(db);
    const untitled = await postPairs(client, '/posts/new', [
      ['title', ''],
      ['body', 'Text.'],
      ['intent', 'publish'],
      ...tagPairs([tag.id]),
    ]);
    expect(untitled.status).toBe(422);
    expect(await untitled.text()).toContain(`<option value="${tag.id}" selected="">`);

    const unknown = newId();
    const refused = await postPairs(client, '/posts/new', [
      ['title', 'A title'],
      ['body', 'Text.'],
      ['intent', 'publish'],
      ...tagPairs([tag.id, unknown]),
    ]);
    expect(refused.status).toBe(422);
    const html = await refused.text();
    expect(html).toContain('id="field-tags-error"');
    expect(html).toContain(`There is no tag with the id “${unknown}”`);
    expect(html).toContain(`<option value="${tag.id}" selected="">`);
    const malformed = await postPairs(client, '/posts/new', [
      ['title', 'A title'],
      ['body', 'Text.'],
      ['intent', 'draft'],
      ...tagPairs(['x']),
    ]);
    expect(malformed.status).toBe(422);
    expect(await malformed.text()).toContain('tags must be tag ids');
    expect(await db.query('SELECT id FROM posts WHERE author_id = $1', [user.id])).toEqual([]);
  });

  it('carries the chosen tags across a login when the session ended mid-edit', async () => {
    const tags = await Promise.all([makeTag(db), makeTag(db)]);
    const ids = tags.map((tag) => tag.id);
    const expired = await postPairs(new TestClient(app), '/posts/new', [
      ['title', 'Half written'],
      ['intent', 'draft'],
      ...tagPairs(ids),
    ]);
    expect(expired.status).toBe(401);
    expect(await expired.text()).toContain(`name="carry:tags" value="${ids.join(',')}"`);
    // What the login hands back (the fields, one value each, and intent=restore) shows them chosen again.
    const { client } = await author();
    const restored = await postPairs(client, '/posts/new', [
      ['title', 'Half written'],
      ['tagsShown', '1'],
      ['tags', ids.join(',')],
      ['intent', 'restore'],
    ]);
    const html = await restored.text();
    for (const id of ids) expect(html).toContain(`<option value="${id}" selected="">`);
  });

  it('saves tags in the post’s transaction: a save failing after them leaves the links as they were', async () => {
    const user = await makeUser(db);
    const post = await makePost(db, { authorId: user.id });
    const [kept, added] = await Promise.all([makeTag(db), makeTag(db)]);
    await applyTag(db, actorOf(user.id, { karma: 0 }), post.id, kept.id);
    const other = await makeUser(db);
    await voteOnRelevance(db, { voterId: other.id, postId: post.id, tagId: kept.id, kind: 'up', shown: null });
    const failing = failAt(db, 'INSERT INTO post_revisions');
    const input = { title: post.title, body: 'Changed text.', note: '' };
    await expect(savePost(failing, actorOf(user.id), post.id, input, 'save', { tagIds: [added.id] })).rejects.toThrow(
      'injected failure',
    );
    expect(await linksOf(post.id)).toEqual([{ tagId: kept.id, relevance: 2 }]);
    const [counts] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM post_tag_votes WHERE post_id = $1', [
      post.id,
    ]);
    expect(counts!.n).toBe(2);
  });
});

/** The database, except that a statement starting with `prefix` fails (inside transactions too). */
function failAt(q: Queryable, prefix: string): Queryable {
  const wrap = (inner: Queryable): Queryable => ({
    query: (sql, params) => {
      if (sql.trimStart().startsWith(prefix)) return Promise.reject(new Error('injected failure'));
      return inner.query(sql, params);
    },
    exec: (sql) => inner.exec(sql),
    transaction: (fn) => inner.transaction((tx) => fn(wrap(tx))),
  });
  return wrap(q);
}
