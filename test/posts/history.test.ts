import { DomUtils, parseDocument } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { CONTEXT_CHARS } from '../../src/content/diff-hunks.js';
import { TestClient, useTestApp } from '../helpers/app.js';
import { makePost, makeUser } from '../helpers/factories.js';

const { db, app } = useTestApp();

type Node = ReturnType<typeof parseDocument>;
type Element = ReturnType<typeof DomUtils.getElementById> & {};

async function writer() {
  const user = await makeUser(db);
  const client = new TestClient(app);
  await client.logIn(user.username, user.password);
  return { client, user };
}

async function revise(client: TestClient, postId: string, title: string, body: string) {
  const response = await client.post(`/posts/${postId}/edit`, { title, body, note: '', intent: 'save' });
  expect(response.status).toBe(303);
}

async function page(client: TestClient, path: string) {
  const response = await client.get(path);
  expect(response.status, path).toBe(200);
  const html = await response.text();
  return { html, doc: parseDocument(html) };
}

const all = (root: Node | Element, test: (e: Element) => boolean) =>
  DomUtils.findAll((e) => test(e as Element), [root as Element]) as Element[];
const withClass = (root: Node | Element, name: string) =>
  all(root, (e) => (e.attribs.class ?? '').split(' ').includes(name));
const one = (root: Node | Element, name: string) => {
  const [found] = withClass(root, name);
  expect(found, `.${name}`).toBeDefined();
  return found!;
};
const text = (e: Element) => DomUtils.textContent(e);
const byId = (doc: Node, id: string) => DomUtils.getElementById(id, doc.children);

/** Paragraphs "Paragraph n says something." separated by blank lines: paragraph n is on line 2n − 1. */
const paragraphs = (count: number, edit: (n: number) => string | undefined = () => undefined) =>
  Array.from({ length: count }, (_, i) => edit(i + 1) ?? `Paragraph ${i + 1} says something.`).join('\n\n');

describe('the revision history', () => {
  it('shows every revision as readers saw it, and marks which one is current', async () => {
    const { client, user } = await writer();
    const post = await makePost(db, {
      authorId: user.id,
      title: 'Squares',
      markdown: 'First words: $x^2$ grows.',
    });
    await revise(client, post.id, 'Squares', 'Second words: $x^3$ grows faster.');
    await revise(client, post.id, 'Cubes', 'Third words, *emphasised*.');
    const base = `/posts/${post.id}/cubes/history`;

    const history = await page(client, base);
    const items = withClass(history.doc, 'revision-list').flatMap((list) => all(list, (e) => e.name === 'li'));
    expect(items.map((li) => text(li).replace(/\s+/g, ' ').split(' · ')[0])).toEqual([
      'Revision 3 (current)',
      'Revision 2',
      'Revision 1 (first published)',
    ]);
    expect(items.map((li) => all(li, (e) => e.name === 'a')[0]!.attribs.href)).toEqual(
      [3, 2, 1].map((n) => `${base}/${n}`),
    );
    expect(text(items[1]!)).toContain('titled “Squares”');

    const shown = async (n: number) => {
      const { doc } = await page(client, `${base}/${n}`);
      const article = one(doc, 'revision-body');
      return {
        title: text(one(article, 'revision-title')),
        content: one(article, 'content'),
        status: text(one(doc, 'revision-status')).replace(/\s+/g, ' '),
        anchor: byId(doc, 'revision_text'),
      };
    };
    const first = await shown(1);
    expect(first.title).toBe('Squares');
    expect(text(first.content)).toContain('First words:');
    // The stored HTML, math typeset, not the Markdown source.
    expect(withClass(first.content, 'katex').length).toBeGreaterThan(0);
    expect(first.status).toContain('The first published version. An older version: readers now see revision 3.');
    expect(first.anchor?.name).toBe('h2');

    const middle = await shown(2);
    expect(text(middle.content)).toContain('Second words:');
    expect(text(middle.content)).not.toContain('First words');
    expect(withClass(middle.content, 'katex').length).toBeGreaterThan(0);
    expect(middle.status).toContain('An older version');

    const latest = await shown(3);
    expect(latest.title).toBe('Cubes');
    expect(all(latest.content, (e) => e.name === 'em').map(text)).toEqual(['emphasised']);
    expect(latest.status).toContain('This is the current version.');
  });

  it('folds unchanged lines and lists each change, linked to its hunk and its neighbours', async () => {
    const { client, user } = await writer();
    const before = paragraphs(40);
    const post = await makePost(db, { authorId: user.id, title: 'Many paragraphs', markdown: before });
    const after = paragraphs(40, (n) =>
      n === 3 ? 'Paragraph 3 says something new.' : n === 20 ? 'Paragraph 20 was rewritten.' : undefined,
    ).replace('Paragraph 38 says something.\n\n', '');
    await revise(client, post.id, 'Many more paragraphs', after);
    const { doc, html } = await page(client, `/posts/${post.id}/many-more-paragraphs/history/2`);

    const list = byId(doc, 'diff_changes')!;
    const links = all(list, (e) => e.name === 'a');
    expect(text(all(list, (e) => e.name === 'p')[0]!)).toBe('4 changes, in order:');
    expect(links.map(text)).toEqual(['Title', 'Line 5', 'Line 39', 'Line 75']);
    // Each entry quotes its change, and leads to it.
    expect(text(all(list, (e) => e.name === 'li')[1]!)).toBe('Line 5: new');
    const targets = links.map((a) => byId(doc, a.attribs.href!.slice(1)));
    expect(targets.map((t) => t?.attribs.class)).toEqual(['diff-hunk', 'diff-hunk', 'diff-hunk', 'diff-hunk']);
    expect(text(targets[0]!)).toContain('Many more paragraphs');

    // Two lines of context around each change; the rest folded, with every line still in the page.
    const hunks = withClass(one(doc, 'diff-body'), 'diff-hunk');
    expect(hunks.map((h) => text(one(h, 'diff-text')).trim())).toEqual([
      'Paragraph 2 says something.\n\nParagraph 3 says something new.\n\nParagraph 4 says something.',
      'Paragraph 19 says something.\n\nParagraph 20 says somethingwas rewritten.\n\nParagraph 21 says something.',
      // The deletion ends on the second line before the end: nothing is left to fold after it.
      'Paragraph 37 says something.\n\nParagraph 38 says something.\n\nParagraph 39 says something.\n\nParagraph 40 says something.',
    ]);
    expect(all(hunks[1]!, (e) => e.name === 'del').map(text)).toEqual(['says something']);
    expect(all(hunks[1]!, (e) => e.name === 'ins').map(text)).toEqual(['was rewritten']);
    expect(all(hunks[2]!, (e) => e.name === 'del').map(text)).toEqual(['38 says something.\n\nParagraph ']);
    const folds = withClass(doc, 'diff-folded');
    expect(folds.map((f) => text(all(f, (e) => e.name === 'summary')[0]!))).toEqual([
      '2 unchanged lines (lines 1–2)',
      '29 unchanged lines (lines 8–36)',
      '31 unchanged lines (lines 42–72)',
    ]);
    expect(text(folds[1]!)).toContain('Paragraph 10 says something.\n\nParagraph 11');
    expect(html).not.toMatch(/<details[^>]* open/);

    // Each hunk leads to the changes before and after it, and back to the list.
    expect(all(hunks[1]!, (e) => e.name === 'a').map((a) => [text(a), a.attribs.href])).toEqual([
      ['↑ Previous: Line 5', '#diff_change-1'],
      ['↓ Next: Line 75', '#diff_change-3'],
      ['All changes', '#diff_changes'],
    ]);
  });

  it('shows a one-word change in a long paragraph with a little context, not the whole paragraph', async () => {
    const { client, user } = await writer();
    const sentence = (n: number) => `Sentence ${n} of a very long paragraph goes on.`;
    const long = Array.from({ length: 120 }, (_, i) => sentence(i)).join(' ');
    const post = await makePost(db, { authorId: user.id, title: 'Long', markdown: `Intro.\n\n${long}\n\nEnd.` });
    await revise(client, post.id, 'Long', `Intro.\n\n${long.replace('Sentence 60 of', 'Sentence 60 from')}\n\nEnd.`);
    const { doc } = await page(client, `/posts/${post.id}/long/history/2`);
    const [hunk, ...others] = withClass(one(doc, 'diff-body'), 'diff-hunk');
    expect(others).toEqual([]);
    const shown = text(one(hunk!, 'diff-text'));
    expect(long.length).toBeGreaterThan(5000);
    expect(shown.length).toBeLessThan(2 * CONTEXT_CHARS + 200);
    expect(shown).toMatch(/^\nIntro\.\n\n… [\d,]+ unchanged characters ….* Sentence 60 offrom a very/s);
    expect(withClass(hunk!, 'diff-elided')).toHaveLength(2);
  });

  it('groups a revision saved without a stored diff the same way, and says when only the title changed', async () => {
    const { client, user } = await writer();
    const post = await makePost(db, { authorId: user.id, title: 'Stored', markdown: paragraphs(20) });
    const edited = paragraphs(20, (n) => (n === 10 ? 'Paragraph ten.' : undefined));
    await revise(client, post.id, 'Stored', edited);
    await revise(client, post.id, 'Renamed', edited);
    const stored = (await page(client, `/posts/${post.id}/renamed/history/2`)).html;
    await db.query('UPDATE post_revisions SET diff = NULL WHERE post_id = $1', [post.id]);
    const computed = (await page(client, `/posts/${post.id}/renamed/history/2`)).html;
    const body = (html: string) => html.slice(html.indexOf('<div class="diff"'), html.indexOf('id="revision_text"'));
    expect(body(computed)).toBe(body(stored));
    expect(body(computed)).toContain('Line 19');

    const { doc } = await page(client, `/posts/${post.id}/renamed/history/3`);
    expect(all(byId(doc, 'diff_changes')!, (e) => e.name === 'a').map(text)).toEqual(['Title']);
    expect(text(one(doc, 'diff-body'))).toContain('The text did not change.');
    expect(withClass(doc, 'diff-folded').map((f) => text(all(f, (e) => e.name === 'summary')[0]!))).toEqual([
      '39 unchanged lines (lines 1–39)',
    ]);
  });

  it('keeps one h1 and no skipped heading level on revision pages', async () => {
    const { client, user } = await writer();
    const post = await makePost(db, { authorId: user.id, title: 'Outline', markdown: '## Part\n\nText.' });
    await revise(client, post.id, 'Outline', '## Part\n\nMore text.');
    for (const n of [1, 2]) {
      const { html } = await page(client, `/posts/${post.id}/outline/history/${n}`);
      const levels = [...html.matchAll(/<h([1-6])[\s>]/g)].map((m) => Number(m[1]));
      expect(levels.filter((l) => l === 1)).toHaveLength(1);
      levels.forEach((level, i) => {
        if (i > 0) expect(level).toBeLessThanOrEqual(levels[i - 1]! + 1);
      });
    }
  });
});
