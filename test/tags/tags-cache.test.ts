import { describe, expect, it } from 'vitest';
import { editTag } from '../../src/tags/service.js';
import { TestClient, useTestApp } from '../helpers/app.js';
import { eventually } from '../helpers/eventually.js';
import { actorOf, makePost, makeUser } from '../helpers/factories.js';
import { makeTag } from './tags-helpers.js';

const test = useTestApp({ PAGE_CACHE_TTL_MS: '60000' });
const { db } = test;

/** A page a logged-out reader gets from the cache, once the notices of its own creation have passed. */
async function cached(path: string): Promise<string> {
  const client = new TestClient(test.app);
  for (let i = 0; i < 50; i++) {
    const response = await client.get(path);
    const body = await response.text();
    if (response.headers.get('x-cache') === 'hit') return body;
    await new Promise((r) => setTimeout(r, 40));
  }
  throw new Error(`${path} never came from the cache`);
}

function pageBecomes(path: string, check: (html: string) => boolean) {
  return eventually(async () => check(await (await new TestClient(test.app).get(path)).text()));
}

describe('cached tag pages', () => {
  it('drop the tag page, its feed and /tags when the tag is edited or renamed', async () => {
    const tag = await makeTag(db, { name: 'Cached topic', description: 'First words.' });
    const editor = await makeUser(db, { role: 'moderator' });
    const actor = actorOf(editor.id, { karma: 0, role: 'moderator' });
    expect(await cached(`/tags/${tag.slug}`)).toContain('First words.');
    expect(await cached(`/tags/${tag.slug}/feed.xml`)).toContain('Cached topic · Lyceum');
    expect(await cached(`/tags/${tag.slug}/history`)).toContain('Revision 1');
    expect(await cached('/tags?sort=name')).toContain('Cached topic');

    await editTag(db, actor, tag.id, { name: 'Cached topic', description: 'Second words.', note: '' });
    await pageBecomes(`/tags/${tag.slug}`, (html) => html.includes('Second words.'));
    await pageBecomes(`/tags/${tag.slug}/history`, (html) => html.includes('Revision 2'));

    await editTag(db, actor, tag.id, { name: 'Recached topic', description: 'Second words.', note: '' });
    await pageBecomes('/tags?sort=name', (html) => html.includes('Recached topic') && !html.includes('>Cached topic<'));
    const feed = await new TestClient(test.app).get(`/tags/${tag.slug}/feed.xml`);
    expect(feed.status).toBe(301);
    await pageBecomes('/tags/recached-topic/feed.xml', (xml) => xml.includes('Recached topic · Lyceum'));
  });

  it('drop a tag page and its feed on "tag:<id>", which changes to its links announce', async () => {
    const tag = await makeTag(db, { name: 'Linked topic' });
    const post = await makePost(db, { title: 'Newly tagged post' });
    expect(await cached(`/tags/${tag.slug}`)).not.toContain('Newly tagged post');
    expect(await cached(`/tags/${tag.slug}/feed.xml`)).not.toContain('Newly tagged post');
    expect(await cached('/tags')).toContain('Linked topic');
    // As the post-tagging service's triggers would: the link, then the notice (no trigger of 0015 sees it).
    await db.query(
      `INSERT INTO post_tags (post_id, tag_id, relevance, vote_count, applied_by) VALUES ($1, $2, 1, 1, $3)`,
      [post.id, tag.id, post.authorId],
    );
    await db.query(`SELECT pg_notify('lyceum_cache', 'tag:' || $1)`, [tag.id]);
    await pageBecomes(`/tags/${tag.slug}`, (html) => html.includes('Newly tagged post'));
    await pageBecomes(`/tags/${tag.slug}/feed.xml`, (xml) => xml.includes('Newly tagged post'));
    // Only the tag's own pages and the list: another tag's page stays cached.
    const other = await makeTag(db, { name: 'Untouched topic' });
    await cached(`/tags/${other.slug}`);
    await cached(`/tags/${tag.slug}`);
    await db.query(`SELECT pg_notify('lyceum_cache', 'tag:' || $1)`, [tag.id]);
    await test.caching!.caches.settle();
    // A browser that has its cookie already (an answer setting one never comes from the cache).
    const reader = new TestClient(test.app);
    await reader.get('/tags');
    const xCache = async (path: string) => (await reader.get(path)).headers.get('x-cache');
    expect(await xCache(`/tags/${other.slug}`)).toBe('hit');
    expect(await xCache(`/tags/${tag.slug}`)).not.toBe('hit');
  });
});
