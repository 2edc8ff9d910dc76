import { beforeAll, describe, expect, it } from 'vitest';
import { deleteComment, setRetracted } from '../../src/comments/service.js';
import { deletePost, savePost } from '../../src/posts/service.js';
import { addPostToSequence, createSequence } from '../../src/sequences/service.js';
import { TestClient, useTestApp } from '../helpers/app.js';
import { actorOf, makeComment, makePost, makeUser } from '../helpers/factories.js';
import { parseStrictly } from './helpers.js';

// Not the request's origin: every absolute URL must come from BASE_URL.
const BASE_URL = 'https://lyceum.example';
const HOUR = 3_600_000;
const RSS_TYPE = 'application/rss+xml; charset=utf-8';
const ATOM_TYPE = 'application/atom+xml; charset=utf-8';

const { db, app } = useTestApp({ BASE_URL });
let client: TestClient;

beforeAll(() => {
  client = new TestClient(app);
});

async function getFeed(path: string, contentType: string) {
  const response = await client.get(path);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe(contentType);
  const xml = await response.text();
  return { xml, feed: parseStrictly(xml) };
}

const wholeSeconds = (date: Date) => Math.floor(date.getTime() / 1000) * 1000;
const author = (username: string) => ({ name: username, email: null, url: `${BASE_URL}/users/${username}` });

describe('frontpage feed', () => {
  it('lists the newest published posts in RSS: absolute links, dates, full HTML with math, plain excerpts', async () => {
    const writer = await makeUser(db, { username: 'feed_writer' });
    const olderAt = new Date(Date.now() - 48 * HOUR);
    const newerAt = new Date(Date.now() - HOUR);
    const older = await makePost(db, { authorId: writer.id, title: 'Older bounds', at: olderAt });
    const newer = await makePost(db, {
      authorId: writer.id,
      title: 'Newer bounds',
      markdown: 'We show $\\sum_i x_i \\le 1$ holds.\n\n$$\\int_0^1 f$$',
      at: newerAt,
    });
    await makePost(db, { authorId: writer.id, title: 'Unfinished draft', publish: false });
    const gone = await makePost(db, { authorId: writer.id, title: 'Deleted post' });
    await deletePost(db, actorOf(writer.id), gone.id);

    const { xml, feed } = await getFeed('/feed.xml', RSS_TYPE);
    expect(feed.meta.type).toBe('rss');
    expect(feed.title).toBe('Lyceum');
    expect(feed.url).toBe(`${BASE_URL}/`);
    expect(feed.self).toBe(`${BASE_URL}/feed.xml`);
    const titles = feed.items.map((item) => item.title);
    expect(titles).not.toContain('Unfinished draft');
    expect(titles).not.toContain('Deleted post');
    expect(titles.indexOf('Newer bounds')).toBeGreaterThan(-1);
    expect(titles.indexOf('Newer bounds')).toBeLessThan(titles.indexOf('Older bounds'));

    const item = feed.items.find((i) => i.title === 'Newer bounds')!;
    expect(item.url).toBe(`${BASE_URL}/posts/${newer.id}/newer-bounds`);
    expect(item.id).toBe(`tag:lyceum.example,2025:post:${newer.id}`);
    expect(item.published?.getTime()).toBe(wholeSeconds(newerAt));
    expect(xml).toContain(`<pubDate>${newerAt.toUTCString()}</pubDate>`);
    expect(item.authors).toEqual([{ name: 'feed_writer', email: null, url: null }]);
    expect(item.content).toContain('class="katex"');
    expect(item.content).toContain('<math xmlns="http://www.w3.org/1998/Math/MathML">');
    expect(item.content).toContain('<annotation encoding="application/x-tex">\\sum_i x_i \\le 1</annotation>');
    expect(item.content).toContain('class="katex-display"');
    // MathML only: none of KaTeX's styled spans, which a reader without its stylesheet shows as a second copy.
    expect(item.content).not.toContain('katex-html');
    expect(item.content).not.toContain('style=');
    expect(xml).toContain('<language>en</language>');
    expect(item.description).toBe('We show $\\sum_i x_i \\le 1$ holds. $$\\int_0^1 f$$');
    expect(feed.items.find((i) => i.title === 'Older bounds')?.url).toBe(`${BASE_URL}/posts/${older.id}/older-bounds`);
  });

  it('serves the same posts as Atom, with tag: ids, RFC 3339 dates, authors and HTML content', async () => {
    const writer = await makeUser(db, { username: 'atom_writer' });
    const at = new Date(Date.now() - 2 * HOUR);
    const post = await makePost(db, {
      authorId: writer.id,
      title: 'Atomic results',
      markdown: 'Here $e^{i\\pi}$.',
      at,
    });

    const { xml, feed } = await getFeed('/feed.atom', ATOM_TYPE);
    expect(feed.meta.type).toBe('atom');
    expect(feed.self).toBe(`${BASE_URL}/feed.atom`);
    expect(feed.url).toBe(`${BASE_URL}/`);
    const entry = feed.items.find((i) => i.title === 'Atomic results')!;
    expect(entry.id).toBe(`tag:lyceum.example,2025:post:${post.id}`);
    expect(entry.url).toBe(`${BASE_URL}/posts/${post.id}/atomic-results`);
    expect(entry.published?.getTime()).toBe(wholeSeconds(at));
    expect(entry.updated?.getTime()).toBe(wholeSeconds(at));
    expect(xml).toContain(`<published>${new Date(wholeSeconds(at)).toISOString().replace('.000Z', 'Z')}</published>`);
    expect(entry.authors).toEqual([author('atom_writer')]);
    expect(entry.content).toContain('class="katex"');
    expect(entry.content).toContain('<annotation encoding="application/x-tex">e^{i\\pi}</annotation>');
    expect(entry.description).toBe('Here $e^{i\\pi}$.');
    expect(xml).toMatch(
      /<feed xmlns="http:\/\/www\.w3\.org\/2005\/Atom" xml:lang="en">\n<id>tag:lyceum\.example,2025:feed:frontpage<\/id>/,
    );
  });

  it("keeps an entry's id when its title changes, while its title and link follow", async () => {
    const writer = await makeUser(db);
    const post = await makePost(db, { authorId: writer.id, title: 'First title', at: new Date(Date.now() - 3 * HOUR) });
    const before = {
      rss: (await getFeed('/feed.xml', RSS_TYPE)).feed.items.find((i) => i.title === 'First title')!,
      atom: (await getFeed('/feed.atom', ATOM_TYPE)).feed.items.find((i) => i.title === 'First title')!,
    };

    const body = 'Some text with math $x^2$.';
    await savePost(db, actorOf(writer.id), post.id, { title: 'Second title', body, note: '' }, 'save');

    const rss = (await getFeed('/feed.xml', RSS_TYPE)).feed.items.find((i) => i.id === before.rss.id)!;
    const atom = (await getFeed('/feed.atom', ATOM_TYPE)).feed.items.find((i) => i.id === before.atom.id)!;
    for (const item of [rss, atom]) {
      expect(item.title).toBe('Second title');
      expect(item.url).toBe(`${BASE_URL}/posts/${post.id}/second-title`);
    }
    expect(atom.updated!.getTime()).toBeGreaterThan(atom.published!.getTime());
  });

  it('gives a plain excerpt that keeps inline math as $…$ and ends on a whole word with "…"', async () => {
    const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliett'];
    const markdown = `Let $a < b$ and **c** hold[^1]. ${Array.from({ length: 120 }, (_, i) => words[i % words.length]).join(' ')}\n\n[^1]: A footnote.`;
    await makePost(db, { title: 'Long with math', markdown, at: new Date(Date.now() - 4 * HOUR) });

    const atom = (await getFeed('/feed.atom', ATOM_TYPE)).feed.items.find((i) => i.title === 'Long with math')!;
    const summary = atom.description!;
    expect(summary.startsWith('Let $a < b$ and c hold. alpha bravo')).toBe(true);
    expect(summary.endsWith('…')).toBe(true);
    expect(summary.length).toBeLessThanOrEqual(301);
    expect(words).toContain(summary.slice(0, -1).split(' ').at(-1));

    // RSS readers treat <description> as HTML, so the excerpt travels HTML-escaped there and reads the same.
    const { xml, feed } = await getFeed('/feed.xml', RSS_TYPE);
    expect(feed.items.find((i) => i.title === 'Long with math')?.description).toBe(summary);
    expect(xml).toContain('<description>Let $a &amp;lt; b$ and c hold.');
  });

  it('escapes markup in titles and drops characters XML forbids, so the feed stays well-formed', async () => {
    const post = await makePost(db, { title: 'Plain', at: new Date(Date.now() - 5 * HOUR) });
    await db.query('UPDATE posts SET title = $2 WHERE id = $1', [post.id, 'Tom & Jerry <b>"bold"</b> \u0007bell ]]>']);
    for (const [path, type] of [
      ['/feed.xml', RSS_TYPE],
      ['/feed.atom', ATOM_TYPE],
    ] as const) {
      const { feed } = await getFeed(path, type);
      expect(feed.items.map((i) => i.title)).toContain('Tom & Jerry <b>"bold"</b> bell ]]>');
    }
  });

  it('makes relative links, images and footnote anchors in the body absolute', async () => {
    const markdown =
      'See [the other post](/posts/AbCdEfGhIjKlMnOpQ/x) and ![a chart](/static/chart.png) and a note[^1].\n\n[^1]: Noted.';
    await makePost(db, { title: 'Relative links', markdown, at: new Date(Date.now() - 6 * HOUR) });
    const { feed } = await getFeed('/feed.atom', ATOM_TYPE);
    const content = feed.items.find((i) => i.title === 'Relative links')!.content!;
    expect(content).toContain(`href="${BASE_URL}/posts/AbCdEfGhIjKlMnOpQ/x"`);
    expect(content).toContain(`src="${BASE_URL}/static/chart.png"`);
    const page = feed.items.find((i) => i.title === 'Relative links')!.url;
    expect(content).toMatch(new RegExp(`href="${page}#fn-[\\w-]+-1"`));
    expect(content).not.toMatch(/href="#/);
  });
});

describe('user feed', () => {
  it("lists only that author's published posts, newest publication first, in both formats", async () => {
    const writer = await makeUser(db, { username: 'Solo_Writer' });
    const first = await makePost(db, { authorId: writer.id, title: 'Solo one', at: new Date(Date.now() - 10 * HOUR) });
    const second = await makePost(db, { authorId: writer.id, title: 'Solo two', at: new Date(Date.now() - 9 * HOUR) });
    // Begun before both, published after: it is news after them.
    const late = await makePost(db, {
      authorId: writer.id,
      title: 'Solo late',
      publish: false,
      at: new Date(Date.now() - 20 * HOUR),
    });
    await savePost(db, actorOf(writer.id), late.id, { title: 'Solo late', body: 'Late.', note: '' }, 'publish');
    await makePost(db, { authorId: writer.id, title: 'Solo draft', publish: false });
    await makePost(db, { title: 'Someone else' });

    const rss = (await getFeed('/users/Solo_Writer/feed.xml', RSS_TYPE)).feed;
    expect(rss.title).toBe('Solo_Writer · Lyceum');
    expect(rss.url).toBe(`${BASE_URL}/users/Solo_Writer`);
    expect(rss.self).toBe(`${BASE_URL}/users/Solo_Writer/feed.xml`);
    expect(rss.items.map((i) => i.title)).toEqual(['Solo late', 'Solo two', 'Solo one']);

    const atom = (await getFeed('/users/Solo_Writer/feed.atom', ATOM_TYPE)).feed;
    expect(atom.self).toBe(`${BASE_URL}/users/Solo_Writer/feed.atom`);
    expect(atom.items.map((i) => i.url)).toEqual([
      `${BASE_URL}/posts/${late.id}/solo-late`,
      `${BASE_URL}/posts/${second.id}/solo-two`,
      `${BASE_URL}/posts/${first.id}/solo-one`,
    ]);
  });

  it('redirects a differently cased username to the canonical feed address', async () => {
    await makeUser(db, { username: 'CasedName' });
    const response = await client.get('/users/casedname/feed.atom');
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe('/users/CasedName/feed.atom');
  });

  it('answers an unknown or malformed username with a 404 page', async () => {
    // (A NUL in the address is refused earlier, with a 400: see test/web/app.test.ts.)
    for (const name of ['nobody_here', "x'%20OR%201=1--", 'a'.repeat(300), '%E2%80%AE']) {
      for (const extension of ['xml', 'atom']) {
        const response = await client.get(`/users/${name}/feed.${extension}`);
        expect(response.status).toBe(404);
        expect(await response.text()).toContain('There is no user with that name');
      }
    }
  });

  it('is a valid, empty feed for a user with no posts yet', async () => {
    await makeUser(db, { username: 'quiet_one' });
    const { feed } = await getFeed('/users/quiet_one/feed.atom', ATOM_TYPE);
    expect(feed.items).toEqual([]);
    expect(feed.updated).toBeInstanceOf(Date);
  });
});

describe('comments feed', () => {
  it('lists the newest comments of a post, without deleted ones, linking to each permalink', async () => {
    const post = await makePost(db, { title: 'Discussed at length' });
    const critic = await makeUser(db, { username: 'the_critic' });
    const first = await makeComment(db, {
      postId: post.id,
      authorId: critic.id,
      markdown: 'First, with $\\epsilon > 0$.',
      at: new Date(Date.now() - 3 * HOUR),
    });
    const removed = await makeComment(db, { postId: post.id, markdown: 'Spam', at: new Date(Date.now() - 2 * HOUR) });
    const last = await makeComment(db, {
      postId: post.id,
      authorId: critic.id,
      markdown: 'Second thoughts.',
      at: new Date(Date.now() - HOUR),
    });
    await deleteComment(db, actorOf(removed.authorId), removed.id);
    await setRetracted(db, actorOf(critic.id), last.id, true);

    const path = `/posts/${post.id}/discussed-at-length/comments`;
    const rss = (await getFeed(`${path}.xml`, RSS_TYPE)).feed;
    expect(rss.title).toBe('Comments on “Discussed at length” · Lyceum');
    expect(rss.url).toBe(`${BASE_URL}/posts/${post.id}/discussed-at-length`);
    expect(rss.self).toBe(`${BASE_URL}${path}.xml`);
    expect(rss.items.map((i) => i.id)).toEqual([
      `tag:lyceum.example,2025:comment:${last.id}`,
      `tag:lyceum.example,2025:comment:${first.id}`,
    ]);

    const atom = (await getFeed(`${path}.atom`, ATOM_TYPE)).feed;
    const [newest, oldest] = atom.items;
    expect(newest?.title).toBe('[Retracted] Comment by the_critic on “Discussed at length”');
    expect(oldest?.title).toBe('Comment by the_critic on “Discussed at length”');
    expect(oldest?.url).toBe(`${BASE_URL}/posts/${post.id}/discussed-at-length/comment/${first.id}`);
    expect(oldest?.authors).toEqual([author('the_critic')]);
    expect(oldest?.content).toContain('class="katex"');
    expect(oldest?.description).toBe('First, with $\\epsilon > 0$.');
    expect(atom.items.map((i) => i.content).join('')).not.toContain('Spam');
  });

  it('redirects an old slug to the canonical feed address', async () => {
    const post = await makePost(db, { title: 'Current slug' });
    const response = await client.get(`/posts/${post.id}/old-slug/comments.xml`);
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe(`/posts/${post.id}/current-slug/comments.xml`);
  });

  it('answers unknown, malformed, draft and deleted posts with a 404 page', async () => {
    const writer = await makeUser(db);
    const draft = await makePost(db, { authorId: writer.id, title: 'Still a draft', publish: false });
    const gone = await makePost(db, { authorId: writer.id, title: 'Gone now' });
    await deletePost(db, actorOf(writer.id), gone.id);
    const paths = [
      '/posts/AAAAAAAAAAAAAAAAA/slug',
      '/posts/x/slug',
      `/posts/${encodeURIComponent("1' OR 1=1--")}/slug`,
      `/posts/${'a'.repeat(500)}/slug`,
      `/posts/${draft.id}/still-a-draft`,
      `/posts/${gone.id}/gone-now`,
    ];
    for (const path of paths) {
      for (const extension of ['xml', 'atom']) {
        const response = await client.get(`${path}/comments.${extension}`);
        expect(response.status).toBe(404);
        expect(await response.text()).toContain('There is no post at this address');
      }
    }
  });
});

describe('sequence feed', () => {
  it("lists a sequence's visible posts, newest additions first, linking to each post", async () => {
    const writer = await makeUser(db, { username: 'sequencer' });
    const actor = actorOf(writer.id);
    const one = await makePost(db, { authorId: writer.id, title: 'Part one', at: new Date(Date.now() - 30 * HOUR) });
    const two = await makePost(db, { authorId: writer.id, title: 'Part two', at: new Date(Date.now() - 40 * HOUR) });
    const three = await makePost(db, { authorId: writer.id, title: 'Part three' });
    const sequence = await createSequence(db, {
      authorId: writer.id,
      title: 'The Sequence',
      description: 'About $x$ things.',
      at: new Date(Date.now() - 50 * HOUR),
    });
    for (const post of [one, two, three]) {
      await addPostToSequence(db, actor, { sequenceId: sequence.id, postId: post.id });
    }
    await savePost(db, actor, three.id, { title: 'Part three', body: 'Text.', note: '' }, 'unpublish');

    const rss = (await getFeed(`/s/${sequence.id}/feed.xml`, RSS_TYPE)).feed;
    expect(rss.title).toBe('The Sequence · Lyceum');
    expect(rss.description).toBe('About $x$ things.');
    expect(rss.url).toBe(`${BASE_URL}/s/${sequence.id}`);
    expect(rss.self).toBe(`${BASE_URL}/s/${sequence.id}/feed.xml`);
    expect(rss.items.map((i) => i.title)).toEqual(['Part two', 'Part one']);

    const atom = (await getFeed(`/s/${sequence.id}/feed.atom`, ATOM_TYPE)).feed;
    expect(atom.items.map((i) => i.url)).toEqual([
      `${BASE_URL}/posts/${two.id}/part-two`,
      `${BASE_URL}/posts/${one.id}/part-one`,
    ]);
    expect(atom.items[0]?.id).toBe(`tag:lyceum.example,2025:post:${two.id}`);
    expect(atom.authors).toEqual([author('sequencer')]);
  });

  it('answers an unknown or malformed sequence id with a 404 page', async () => {
    for (const id of ['AAAAAAAAAAAAAAAAA', 'nope', `${'z'.repeat(400)}`, encodeURIComponent("' OR 1=1")]) {
      for (const extension of ['xml', 'atom']) {
        const response = await client.get(`/s/${id}/feed.${extension}`);
        expect(response.status).toBe(404);
        expect(await response.text()).toContain('There is no sequence at this address');
      }
    }
  });
});
