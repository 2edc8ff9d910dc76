import { beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/db/ids.js';
import { deletePost } from '../../src/posts/service.js';
import { tagList, tagPosts } from '../../src/tags/queries.js';
import { TAG_POST_SORTS } from '../../src/tags/validation.js';
import { parseStrictly } from '../feeds/helpers.js';
import { TestClient, useTestApp } from '../helpers/app.js';
import { actorOf, makePost, makeUser } from '../helpers/factories.js';
import { linkPost, makeTag } from './tags-helpers.js';

const BASE_URL = 'https://lyceum.example';
const HOUR = 3_600_000;
/** One more than a page of a tag's posts (20), so each order has a "Load more". */
const TAGGED = 23;

const { db, app } = useTestApp({ BASE_URL });
let tag: { id: string; slug: string; name: string };
let hidden: string[];

const unescapeAmp = (href: string) => href.replaceAll('&amp;', '&');

/** The post titles of a page in order, and its "Load more" link. */
function listed(html: string, list: 'posts' | 'tags') {
  const titles =
    list === 'posts'
      ? [...html.matchAll(/<h3 class="post-item-title"><a href="[^"]+">([^<]+)<\/a>/g)].map((m) => m[1]!)
      : [...html.matchAll(/<h2 class="tag-item-name"><a href="[^"]+">([^<]+)<\/a>/g)].map((m) => m[1]!);
  const next = html.match(new RegExp(`<a href="([^"]+)" data-load-more="${list}">`))?.[1];
  return { titles, next: next && unescapeAmp(next) };
}

/** Every item of a list, following "Load more" from `path`; the number of pages it took. */
async function walk(path: string, list: 'posts' | 'tags') {
  const client = new TestClient(app);
  const titles: string[] = [];
  let pages = 0;
  for (let next: string | undefined = path; next; pages++) {
    const response = await client.get(next);
    expect(response.status, next).toBe(200);
    const page = listed(await response.text(), list);
    titles.push(...page.titles);
    next = page.next;
  }
  return { titles, pages };
}

beforeAll(async () => {
  tag = await makeTag(db, { name: 'Paged topic', description: 'With $\\mathbb{R}$.' });
  const author = await makeUser(db, { username: 'tag_list_author' });
  for (let i = 0; i < TAGGED; i++) {
    const title = `Tagged ${String(i).padStart(2, '0')}`;
    const post = await makePost(db, { authorId: author.id, title, at: new Date(Date.now() - (i + 1) * HOUR) });
    await db.query('UPDATE posts SET base_score = $2 WHERE id = $1', [post.id, (i * 7) % 10]);
    await linkPost(db, post.id, tag.id, i % 4, author.id);
  }
  // Links the tag page leaves out: below 0 relevance, to a draft, to a deleted post.
  const downvoted = await makePost(db, { title: 'Downvoted link', markdown: 'Math $\\sum_i x_i$ here.' });
  await linkPost(db, downvoted.id, tag.id, -1);
  const draft = await makePost(db, { title: 'Draft link', publish: false });
  await linkPost(db, draft.id, tag.id, 5);
  const deleted = await makePost(db, { title: 'Deleted link' });
  await linkPost(db, deleted.id, tag.id, 5);
  await deletePost(db, actorOf(deleted.authorId), deleted.id);
  hidden = ['Downvoted link', 'Draft link', 'Deleted link'];
});

describe('a tag page', () => {
  it('pages through the tagged posts in each order, leaving out hidden links, drafts and deleted posts', async () => {
    for (const sort of TAG_POST_SORTS) {
      const path = sort === 'relevance' ? `/tags/${tag.slug}` : `/tags/${tag.slug}?sort=${sort}`;
      const { titles, pages } = await walk(path, 'posts');
      expect(pages, sort).toBe(2);
      const expected = (await tagPosts(db, tag.id, sort, 100)).map((post) => post.title);
      expect(titles, sort).toEqual(expected);
      expect(new Set(titles).size).toBe(TAGGED);
      for (const title of hidden) expect(titles).not.toContain(title);
    }
    const byRelevance = await tagPosts(db, tag.id, 'relevance', 100);
    expect(byRelevance.map((post) => post.relevance)).toEqual(
      byRelevance.map((post) => post.relevance).sort((a, b) => b - a),
    );
    const newest = (await tagPosts(db, tag.id, 'new', 100)).map((post) => post.title);
    expect(newest).toEqual([...newest].sort());
    const top = (await tagPosts(db, tag.id, 'top', 100)).map((post) => post.baseScore);
    expect(top).toEqual([...top].sort((a, b) => b - a));
  });

  it('shows its count and description, and refuses a broken cursor, a cursor of another order and a bad sort', async () => {
    const client = new TestClient(app);
    const page = await (await client.get(`/tags/${tag.slug}`)).text();
    expect(page).toContain(`${TAGGED} posts`);
    expect(page).toContain('class="katex"');
    expect(page).toContain(' · relevance 3');
    const next = listed(page, 'posts').next!;
    const more = await (await client.get(next)).text();
    expect(more).toContain('More posts tagged “Paged topic”');
    expect(more).not.toContain('class="katex"');
    const after = new URL(next, BASE_URL).searchParams.get('after')!;
    expect((await client.get(`/tags/${tag.slug}?sort=new&after=${after}`)).status).toBe(422);
    expect((await client.get(`/tags/${tag.slug}?after=garbage`)).status).toBe(422);
    expect((await client.get(`/tags/${tag.slug}?sort=sideways`)).status).toBe(422);
  });
});

describe('the list of tags', () => {
  it('pages through every live tag by post count and by name', async () => {
    const creator = await makeUser(db);
    // More than a page (50), with ties in post count ordered by name.
    for (let i = 0; i < 54; i++) {
      const name = `Bulk ${String(i).padStart(2, '0')}`;
      await db.query(`INSERT INTO tags (id, name, slug, created_by, post_count) VALUES ($1, $2, $3, $4, $5)`, [
        newId(),
        name,
        `bulk-${i}`,
        creator.id,
        i % 3,
      ]);
    }
    await db.query(`UPDATE tags SET deleted_at = now() WHERE name = 'Bulk 53'`);
    for (const sort of ['posts', 'name'] as const) {
      const { titles, pages } = await walk(sort === 'posts' ? '/tags' : '/tags?sort=name', 'tags');
      expect(pages, sort).toBe(2);
      expect(titles).toEqual((await tagList(db, sort, 1000)).map((t) => t.name));
      expect(titles).toHaveLength(54);
      expect(titles).not.toContain('Bulk 53');
    }
    const byCount = (await walk('/tags', 'tags')).titles;
    expect(byCount[0]).toBe('Paged topic');
    expect(byCount.slice(1, 4)).toEqual(['Bulk 02', 'Bulk 05', 'Bulk 08']);
    const byName = (await walk('/tags?sort=name', 'tags')).titles;
    expect(byName).toEqual([...byName].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
  });
});

describe('a tag feed', () => {
  it('lists the tagged posts newest first in RSS and Atom, math as MathML only', async () => {
    const client = new TestClient(app);
    const rss = await client.get(`/tags/${tag.slug}/feed.xml`);
    expect(rss.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8');
    const feed = parseStrictly(await rss.text());
    expect(feed.title).toBe('Paged topic · Lyceum');
    expect(feed.self).toBe(`${BASE_URL}/tags/${tag.slug}/feed.xml`);
    expect(feed.url).toBe(`${BASE_URL}/tags/${tag.slug}`);
    expect(feed.description).toBe('With $\\mathbb{R}$.');
    const titles = feed.items.map((item) => item.title);
    expect(titles).toEqual((await tagPosts(db, tag.id, 'new', 100)).map((post) => post.title));
    for (const title of hidden) expect(titles).not.toContain(title);
    const item = feed.items[0]!;
    expect(item.content).toContain('<math xmlns="http://www.w3.org/1998/Math/MathML">');
    expect(item.content).not.toContain('katex-html');

    const atom = await client.get(`/tags/${tag.slug}/feed.atom`);
    expect(atom.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    const atomFeed = parseStrictly(await atom.text());
    expect(atomFeed.meta.type).toBe('atom');
    expect(atomFeed.items.map((entry) => entry.title)).toEqual(titles);
    expect(await (await client.get(`/tags/${tag.slug}/feed.atom`)).text()).toContain(
      `<id>tag:lyceum.example,2025:feed:tag:${tag.id}</id>`,
    );
  });
});
