import { beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/db/ids.js';
import { deletePost, savePost } from '../../src/posts/service.js';
import { candidatePath } from '../../src/search/queries.js';
import { TestClient, useTestApp } from '../helpers/app.js';
import { actorOf, makeComment, makePost, makeUser } from '../helpers/factories.js';
import { searchPage } from './helpers.js';

const { db, app } = useTestApp();
let client: TestClient;
const DAY = 86_400_000;

beforeAll(() => {
  client = new TestClient(app);
});

const search = (params: Record<string, string> | string) => searchPage(client, params);

describe('ranking and websearch syntax', () => {
  it('a title match outranks body matches, and equal ranks go newest first', async () => {
    const now = Date.now();
    await makePost(db, { title: 'Notes on stuff', markdown: 'Zorbling zorbling zorbling, all day zorbling.' });
    await makePost(db, { title: 'Zorbling explained', markdown: 'Nothing more.', at: new Date(now - 5 * DAY) });
    await makePost(db, { title: 'Older aside', markdown: 'A word on zorbling.', at: new Date(now - 3 * DAY) });
    await makePost(db, { title: 'Newer aside', markdown: 'A word on zorbling.', at: new Date(now - DAY) });
    const { status, titles } = await search({ q: 'zorbling' });
    expect(status).toBe(200);
    expect(titles[0]).toBe('Zorbling explained');
    expect(titles.indexOf('Newer aside')).toBeLessThan(titles.indexOf('Older aside'));
    expect(titles).toHaveLength(4);
  });

  it('a heading (weight B) outranks the body (weight C)', async () => {
    await makePost(db, { title: 'Plain', markdown: 'We discuss quillwort at length here.' });
    await makePost(db, { title: 'Headed', markdown: '## On quillwort\n\nSomething else entirely.' });
    expect((await search({ q: 'quillwort' })).titles).toEqual(['Headed', 'Plain']);
  });

  it('phrases, OR and -exclude follow websearch syntax; words match in any form', async () => {
    await makePost(db, { title: 'Grue one', markdown: 'The bleen grue paradox.' });
    await makePost(db, { title: 'Grue two', markdown: 'Grue, and separately bleen.' });
    await makePost(db, { title: 'Grue three', markdown: 'Only grue and emeralds.' });
    expect((await search({ q: '"bleen grue"' })).titles).toEqual(['Grue one']);
    expect((await search({ q: 'grue -bleen' })).titles).toEqual(['Grue three']);
    expect((await search({ q: 'emerald OR paradoxes' })).titles.sort()).toEqual(['Grue one', 'Grue three']);
  });
});

describe('math', () => {
  it('finds formulas by their TeX, and shows them typeset and marked in the snippet', async () => {
    await makePost(db, {
      title: 'Covers',
      markdown: 'Fix a cover $\\mathcal{B}$ of the space, and let $\\Delta(A)$ be its lotteries over outcomes.',
    });
    await makePost(db, { title: 'Deltas', markdown: 'A delta of rivers, $\\Delta(B)$ and $\\mathcal{C}$.' });
    const cal = await search({ q: '\\mathcal{B}' });
    expect(cal.titles).toEqual(['Covers']);
    const [snippet] = cal.snippets;
    expect(snippet!.marks.some((mark) => mark.html.startsWith('<math'))).toBe(true);
    // Styled letters as Unicode (the excerpts' MathML); no TeX source shown.
    expect(snippet!.text).toContain('ℬ');
    expect(snippet!.html).not.toContain('$');
    expect((await search({ q: 'Delta(A)' })).titles).toEqual(['Covers']);
    expect((await search({ q: '$\\Delta(A)$' })).titles).toEqual(['Covers']);
    // As a word, delta is found in prose and formulas alike.
    expect((await search({ q: 'delta' })).titles.sort()).toEqual(['Covers', 'Deltas']);
  });
});

describe('snippets', () => {
  it('are cut around the first match, at word boundaries, with each form of the word marked', async () => {
    const filler = 'Lorem ipsum dolor sit amet consectetur. '.repeat(30);
    await makePost(db, { title: 'Long', markdown: `${filler}Here the vexillology begins; vexillologies abound.` });
    const [snippet] = (await search({ q: 'vexillology' })).snippets;
    expect(snippet!.marks.map((m) => m.text)).toEqual(['vexillology', 'vexillologies']);
    expect(snippet!.text.startsWith('…')).toBe(true);
    expect(snippet!.text.length).toBeLessThan(300);
  });

  it('escape markup in the text they show', async () => {
    await makePost(db, { title: 'Markup', markdown: 'The phrase `<script>alert(1)</script>` is about xylographs.' });
    const { html } = await search({ q: 'xylograph' });
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&lt;script&gt;');
  });
});

describe('filters and paging', () => {
  it('narrow by author, tag and date range', async () => {
    const ann = await makeUser(db, { username: 'filter_ann' });
    const now = Date.now();
    const a = await makePost(db, {
      authorId: ann.id,
      title: 'Ann wombat',
      markdown: 'wombat',
      at: new Date(now - 10 * DAY),
    });
    await makePost(db, { title: 'Other wombat', markdown: 'wombat', at: new Date(now - 2 * DAY) });
    const tagId = newId();
    await db.query(`INSERT INTO tags (id, name, slug, created_by) VALUES ($1, 'Marsupials', 'marsupials', $2)`, [
      tagId,
      ann.id,
    ]);
    await db.query(`INSERT INTO post_tags (post_id, tag_id, relevance, applied_by) VALUES ($1, $2, 1, $3)`, [
      a.id,
      tagId,
      ann.id,
    ]);
    expect((await search({ q: 'wombat', author: 'filter_ann' })).titles).toEqual(['Ann wombat']);
    expect((await search({ q: 'wombat', tag: 'marsupials' })).titles).toEqual(['Ann wombat']);
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    expect((await search({ q: 'wombat', from: day(now - 5 * DAY) })).titles).toEqual(['Other wombat']);
    expect((await search({ q: 'wombat', to: day(now - 5 * DAY) })).titles).toEqual(['Ann wombat']);
  });

  it('pages with a keyset cursor: every result once, in order, and a cursor of another search is refused', async () => {
    const writer = await makeUser(db);
    const base = Date.now() - 100 * DAY;
    for (let i = 0; i < 25; i++) {
      await makePost(db, {
        authorId: writer.id,
        title: `Pangolin ${i}`,
        markdown: 'pangolin',
        at: new Date(base + i * DAY),
      });
    }
    const first = await search({ q: 'pangolin' });
    expect(first.titles).toHaveLength(20);
    const more = first.nextHref!;
    const rest = (await search(more)).titles;
    expect(new Set([...first.titles, ...rest]).size).toBe(25);
    expect(first.titles[0]).toBe('Pangolin 24');
    expect(rest.at(-1)).toBe('Pangolin 0');
    const after = new URL(more, 'http://x').searchParams.get('after')!;
    const foreign = await search({ q: 'wombat', after });
    expect(foreign.status).toBe(422);
    expect(foreign.html).toContain('another search');
    expect((await search({ q: 'pangolin', after: 'garbage' })).status).toBe(422);
  });
});

describe('a word few posts hold', () => {
  it('is found through the narrow copy of readers’ posts, which follows edits, unpublishing and deletion', async () => {
    const author = await makeUser(db);
    const actor = actorOf(author.id);
    await makePost(db, { authorId: author.id, title: 'Kept', markdown: 'On quokkanomics today.' });
    const edited = await makePost(db, { authorId: author.id, title: 'Edited', markdown: 'More quokkanomics.' });
    const hidden = await makePost(db, { authorId: author.id, title: 'Hidden', markdown: 'Quokkanomics, briefly.' });
    const gone = await makePost(db, { authorId: author.id, title: 'Gone', markdown: 'Quokkanomics again.' });
    const draft = await makePost(db, {
      authorId: author.id,
      title: 'Draft',
      markdown: 'Quokkanomics.',
      publish: false,
    });
    // With statistics, a word they count as rare is read through the GIN index of post_search (migration 0027).
    await db.query('ANALYZE posts');
    expect(await candidatePath(db, 'posts', "'quokkanom'")).toBe('index');
    expect((await search({ q: 'quokkanomics' })).titles.sort()).toEqual(['Edited', 'Gone', 'Hidden', 'Kept']);

    await savePost(db, actor, edited.id, { title: 'Edited', body: 'Nothing of the sort.', note: '' }, 'save');
    await savePost(db, actor, hidden.id, { title: 'Hidden', body: 'Quokkanomics, briefly.', note: '' }, 'unpublish');
    await deletePost(db, actor, gone.id);
    await savePost(db, actor, draft.id, { title: 'Draft', body: 'Quokkanomics, at last.', note: '' }, 'publish');
    expect((await search({ q: 'quokkanomics' })).titles.sort()).toEqual(['Draft', 'Kept']);
    // A title word too: the copy is the whole vector, title first.
    await savePost(db, actor, edited.id, { title: 'Quokkanomics revisited', body: 'Nothing.', note: '' }, 'save');
    expect((await search({ q: 'quokkanomics' })).titles[0]).toBe('Quokkanomics revisited');
  });

  it('as a phrase: of the posts holding its words, newest first, those with them in order', async () => {
    const at = (days: number) => new Date(Date.now() - days * DAY);
    await makePost(db, { title: 'In order', markdown: 'The wombatology quotient, again.', at: at(3) });
    await makePost(db, { title: 'Apart', markdown: 'Wombatology has no quotient.', at: at(2) });
    await makePost(db, { title: 'Reversed', markdown: 'A quotient of wombatology.', at: at(1) });
    await makePost(db, { title: 'Newest in order', markdown: 'Wombatology quotients.' });
    await db.query('ANALYZE posts');
    expect(await candidatePath(db, 'posts', "'wombatolog' <-> 'quotient'")).toBe('index');
    const found = await search({ q: '"wombatology quotient"' });
    expect(found.titles).toEqual(['Newest in order', 'In order']);
    expect(found.snippets[1]!.marks.map((mark) => mark.text)).toEqual(['wombatology', 'quotient']);
  });
});

describe('indexes a comment rewrites', () => {
  it('take a post row’s title entries at once, so no search reads a pending list', async () => {
    const rows = await db.query<{ name: string; options: string[] | null }>(
      `SELECT relname AS name, reloptions AS options FROM pg_class
        WHERE relname IN ('posts_title_search_idx', 'posts_title_trgm_idx', 'post_search_vector_idx')
        ORDER BY relname`,
    );
    expect(rows.map((row) => [row.name, row.options])).toEqual([
      ['post_search_vector_idx', ['fastupdate=off']],
      ['posts_title_search_idx', ['fastupdate=off']],
      ['posts_title_trgm_idx', ['fastupdate=off']],
    ]);
  });
});

describe('other tabs', () => {
  it('search comments, users, tags and sequences; hidden things stay hidden', async () => {
    const user = await makeUser(db, { username: 'okapi_fan' });
    const post = await makePost(db, { title: 'Host', markdown: 'host' });
    await makeComment(db, { postId: post.id, markdown: 'The okapi is a giraffid.' });
    const gone = await makePost(db, { title: 'Gone okapi', markdown: 'okapi' });
    await makeComment(db, { postId: gone.id, markdown: 'An okapi comment on a deleted post.' });
    await deletePost(db, actorOf(gone.authorId), gone.id);
    await db.query(
      `INSERT INTO tags (id, name, slug, description_markdown, created_by) VALUES ($1, 'Okapis', 'okapis', 'About okapis.', $2)`,
      [newId(), user.id],
    );
    expect((await search({ q: 'okapi' })).titles).toEqual([]);
    expect((await search({ q: 'okapi', tab: 'comments' })).titles).toEqual(['Comment on “Host”']);
    expect((await search({ q: 'okapi_fan', tab: 'users' })).titles).toEqual(['okapi_fan']);
    expect((await search({ q: 'okapi', tab: 'tags' })).titles).toEqual(['Okapis']);
  });
});

describe('did you mean', () => {
  it('offers close titles, users and tags when little is found', async () => {
    await makePost(db, { title: 'Quantum measurement', markdown: 'text' });
    expect((await search({ q: 'quantom measurment' })).didYouMean).toContain('Quantum measurement');
  });

  it('suggests as one types from a small JSON endpoint', async () => {
    await makePost(db, { title: 'Ergodicity economics', markdown: 'text' });
    const response = await client.get('/api/search/suggest?q=ergod');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { suggestions: { kind: string; label: string; href: string }[] };
    expect(body.suggestions).toContainEqual(expect.objectContaining({ kind: 'post', label: 'Ergodicity economics' }));
    expect((await client.get('/api/search/suggest?q=e')).status).toBe(200);
    const long = await client.get(`/api/search/suggest?q=${'x'.repeat(101)}`);
    expect(long.status).toBe(422);
    expect(((await long.json()) as { fields: Record<string, string> }).fields.q).toBeTruthy();
  });
});
