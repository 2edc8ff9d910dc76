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
});
