import { describe, expect, it } from 'vitest';
import { applyTag } from '../../src/tags/links-service.js';
import { voteOnRelevance } from '../../src/tags/relevance.js';
import { TestClient, useTestApp } from '../helpers/app.js';
import { eventually } from '../helpers/eventually.js';
import { actorOf, makeComment, makePost, makeUser } from '../helpers/factories.js';
import { makeTag, makeTagger } from './tags-helpers.js';

// A link change drops the post's tag list ("post-tags:<id>") and its tag's pages, and nothing else: not the
// post's rendered comments, not the lists (LIST_REFRESH_MS is long here, so a list dropped would show).
describe('a post page cached with its tags', () => {
  const testApp = useTestApp({ PAGE_CACHE_TTL_MS: '600000', LIST_REFRESH_MS: '600000' });

  const { db, app } = testApp;
  const caches = () => testApp.caching!.caches;

  async function cached(client: TestClient, path: string): Promise<boolean> {
    const response = await client.get(path);
    await response.arrayBuffer();
    return response.headers.get('x-cache') === 'hit';
  }

  it('shows a relevance vote and a renamed tag at once, keeping the comments and lists cached', async () => {
    const post = await makePost(db);
    await makeComment(db, { postId: post.id });
    const [tag, tagger] = await Promise.all([makeTag(db), makeTagger(db)]);
    await applyTag(db, actorOf(tagger), post.id, tag.id);
    const reader = new TestClient(app);
    const path = `/posts/${post.id}/${post.slug}`;
    await caches().settle();
    await eventually(() => cached(reader, path));
    await eventually(() => cached(reader, '/'));
    const trees = caches().commentTrees.size;
    expect(trees).toBeGreaterThan(0);

    const voter = await makeUser(db);
    await voteOnRelevance(db, { voterId: voter.id, postId: post.id, tagId: tag.id, kind: 'up', shown: null });
    await caches().settle();
    const page = await reader.get(path);
    expect(page.headers.get('x-cache')).not.toBe('hit');
    expect(await page.text()).toContain('title="Relevance 2, from 2 votes"');
    expect(await cached(reader, '/')).toBe(true);
    expect(caches().commentTrees.size).toBe(trees);

    await db.query('UPDATE tags SET name = $2 WHERE id = $1', [tag.id, 'Renamed topic']);
    await caches().settle();
    expect(await (await reader.get(path)).text()).toContain('Renamed topic');
  });

  it('offers a tag created meanwhile in "Add a tag"', async () => {
    const post = await makePost(db);
    const tagger = await makeTagger(db);
    const client = new TestClient(app);
    await client.logIn(tagger.username, tagger.password);
    const path = `/posts/${post.id}/${post.slug}`;
    await caches().settle();
    expect(await (await client.get(path)).text()).toContain('Add a tag');
    await makeTag(db, { name: 'Brand new topic' });
    await caches().settle();
    expect(await (await client.get(path)).text()).toContain(`<option value="Brand new topic"`);
  });

  // A reader's relevance votes and the options of "Add a tag" are kept between views (links-page.ts).
  it("keeps a reader's relevance votes and the tag options until the post's links change", async () => {
    const post = await makePost(db);
    const [tag, other] = await Promise.all([makeTag(db, { name: 'Kept topic' }), makeTag(db, { name: 'Offered one' })]);
    const tagger = await makeTagger(db);
    await applyTag(db, actorOf(tagger), post.id, tag.id);
    const reader = await makeTagger(db);
    const client = new TestClient(app);
    await client.logIn(reader.username, reader.password);
    const path = `/posts/${post.id}/${post.slug}`;
    await caches().settle();
    const up = (html: string) => /aria-pressed="true" aria-label="More relevant: Kept topic"/.test(html);
    const before = await (await client.get(path)).text();
    expect(up(before)).toBe(false);
    expect(before).toContain('<option value="Offered one">');

    // Someone else's vote presses nothing of this reader's; their own shows pressed on their next view.
    await voteOnRelevance(db, { voterId: tagger.id, postId: post.id, tagId: tag.id, kind: 'up', shown: null });
    await caches().settle();
    expect(up(await (await client.get(path)).text())).toBe(false);
    const voted = await client.post(`/posts/${post.id}/tags/${tag.id}/relevance`, {
      relevance: 'up/none',
      returnTo: `${path}#post-tags`,
    });
    expect(voted.status).toBe(303);
    expect(up(await (await client.get(path)).text())).toBe(true);

    // A tag put on the post leaves the options; taken off, it is offered again.
    await applyTag(db, actorOf(tagger), post.id, other.id);
    await caches().settle();
    expect(await (await client.get(path)).text()).not.toContain('<option value="Offered one">');
    await db.query('DELETE FROM post_tags WHERE post_id = $1 AND tag_id = $2', [post.id, other.id]);
    await caches().settle();
    expect(await (await client.get(path)).text()).toContain('<option value="Offered one">');
  });
});
