import { describe, expect, it } from 'vitest';
import { taggingKarmaMessage } from '../../src/policy/policy.js';
import { allTagsByName } from '../../src/tags/queries.js';
import { TestClient, useTestApp } from '../helpers/app.js';
import { makeUser } from '../helpers/factories.js';
import { makeTag, taggerClient } from './tags-helpers.js';

/** The refusal as the page shows it (the apostrophe escaped). */
const karmaMessage = (karma: number) => taggingKarmaMessage(karma).replaceAll("'", '&#39;');

const { db, app } = useTestApp();

async function tagRow(slug: string) {
  const [row] = await db.query<{
    id: string;
    name: string;
    description_html: string;
    description_excerpt: string;
    revision_count: number;
  }>('SELECT id, name, description_html, description_excerpt, revision_count FROM tags WHERE slug = $1', [slug]);
  return row;
}

describe('creating a tag', () => {
  it('renders the description on write, stores revision 1 and shows the tag on its page and in /tags', async () => {
    const { client } = await taggerClient(app, db);
    const created = await client.post('/tags/new', {
      name: '  Measure   theory ',
      description: 'Sets with a size: $\\mu(A) \\ge 0$ and **countable additivity**.',
    });
    expect(created.status).toBe(303);
    expect(created.headers.get('location')).toBe('/tags/measure-theory');
    const row = await tagRow('measure-theory');
    expect(row!.name).toBe('Measure theory');
    expect(row!.description_html).toContain('class="katex"');
    expect(row!.description_html).toContain('<strong>countable additivity</strong>');
    expect(row!.description_excerpt).toBe('Sets with a size: $\\mu(A) \\ge 0$ and countable additivity.');
    expect(row!.revision_count).toBe(1);
    const revisions = await db.query('SELECT number, title, diff FROM tag_revisions WHERE tag_id = $1', [row!.id]);
    expect(revisions).toEqual([{ number: 1, title: 'Measure theory', diff: null }]);

    const page = await (await client.get('/tags/measure-theory')).text();
    expect(page).toContain('<h1 id="tag-name">Measure theory</h1>');
    expect(page).toContain('<strong>countable additivity</strong>');
    expect(page).toContain('href="/tags/measure-theory/edit"');
    expect(page).toContain(
      '<link rel="alternate" type="application/rss+xml" title="Measure theory · Lyceum" href="/tags/measure-theory/feed.xml"',
    );
    expect(page).toContain(
      'type="application/atom+xml" title="Measure theory · Lyceum (Atom)" href="/tags/measure-theory/feed.atom"',
    );
    expect(await (await client.get('/tags?sort=name')).text()).toContain(
      '<a href="/tags/measure-theory">Measure theory</a>',
    );
    expect(await allTagsByName(db)).toContainEqual({ id: row!.id, name: 'Measure theory', slug: 'measure-theory' });
  });

  it('gives slugs that are taken, reserved or old to nobody else', async () => {
    const { client } = await taggerClient(app, db);
    await client.post('/tags/new', { name: 'C', description: '' });
    expect((await client.post('/tags/new', { name: 'C++', description: '' })).headers.get('location')).toBe(
      '/tags/c-2',
    );
    expect((await client.post('/tags/new', { name: 'New', description: '' })).headers.get('location')).toBe(
      '/tags/new-2',
    );
    expect((await client.get('/tags/new-2')).status).toBe(200);
  });
});

describe('refusing a tag', () => {
  it('refuses a name that exists however cased, naming the field and linking the tag, with the input kept', async () => {
    const existing = await makeTag(db, { name: 'Decision theory' });
    const { client } = await taggerClient(app, db);
    const response = await client.post('/tags/new', { name: 'decision THEORY', description: 'My *own* text' });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('A tag named “Decision theory” exists already');
    expect(html).toContain('id="field-name-error"');
    expect(html).toContain(`<a href="/tags/${existing.slug}">Decision theory</a>`);
    expect(html).toContain('value="decision THEORY"');
    expect(html).toContain('My *own* text</textarea>');
  });

  it('refuses long names, markup, control characters and a long description with 422 and the input back', async () => {
    const { client } = await taggerClient(app, db);
    const cases: [Record<string, string>, string, string][] = [
      [{ name: 'x'.repeat(200), description: '' }, 'name', 'at most 60 characters'],
      [{ name: '<b>Bold</b>', description: '' }, 'name', 'may use letters, digits, spaces'],
      [{ name: 'Bell\u0007 tag', description: '' }, 'name', 'may use letters, digits, spaces'],
      [{ name: '   ', description: '' }, 'name', 'Give the tag a name.'],
      [{ name: 'Long one', description: 'y'.repeat(20_001) }, 'description', 'at most 20,000 characters'],
    ];
    for (const [form, field, message] of cases) {
      const response = await client.post('/tags/new', form);
      expect(response.status, form.name).toBe(422);
      const html = await response.text();
      expect(html).toContain(`id="field-${field}-error"`);
      expect(html).toContain(message);
      if (field === 'description') expect(html).toContain('value="Long one"');
    }
    expect(await db.query(`SELECT 1 FROM tags WHERE name IN ('Bold', 'Long one')`)).toEqual([]);
  });

  it('refuses members below the karma threshold with 403 and the reason, and sends the logged-out to log in', async () => {
    const { client } = await taggerClient(app, db, 3);
    const page = await client.get('/tags/new');
    expect(page.status).toBe(403);
    expect(await page.text()).toContain(karmaMessage(3));
    const refused = await client.post('/tags/new', { name: 'Topology', description: 'Open sets.' });
    expect(refused.status).toBe(403);
    const html = await refused.text();
    expect(html).toContain(karmaMessage(3));
    expect(html).toContain('value="Topology"');
    expect(html).toContain('Open sets.</textarea>');

    const tag = await makeTag(db);
    expect((await client.get(`/tags/${tag.slug}`)).status).toBe(200);
    expect(await (await client.get(`/tags/${tag.slug}`)).text()).not.toContain('Edit tag');
    const edit = await client.post(`/tags/${tag.slug}/edit`, { name: tag.name, description: 'Vandalism', note: '' });
    expect(edit.status).toBe(403);
    expect(await edit.text()).toContain('Vandalism</textarea>');

    const anonymous = new TestClient(app);
    expect((await anonymous.get('/tags/new')).headers.get('location')).toBe('/login?next=%2Ftags%2Fnew');
    expect((await anonymous.post('/tags/new', { name: 'Anonymous', description: '' })).status).toBe(403);
    expect(await db.query(`SELECT 1 FROM tags WHERE name IN ('Topology', 'Anonymous')`)).toEqual([]);
  });

  it('lets a moderator create tags at any karma', async () => {
    const moderator = await makeUser(db, { role: 'moderator' });
    const client = new TestClient(app);
    await client.logIn(moderator.username, moderator.password);
    expect((await client.post('/tags/new', { name: 'Moderated', description: '' })).status).toBe(303);
  });
});

describe('editing a tag', () => {
  it('keeps revisions with word diffs, renames with a redirect from the old slug, and shows the history', async () => {
    const tag = await makeTag(db, { name: 'Game theory', description: 'Players choose strategies.\n\nSecond line.' });
    const { client } = await taggerClient(app, db);
    const form = await (await client.get(`/tags/${tag.slug}/edit`)).text();
    expect(form).toContain('value="Game theory"');
    expect(form).toContain('Players choose strategies.');

    const edited = await client.post(`/tags/${tag.slug}/edit`, {
      name: 'Game theory',
      description: 'Players choose mixed strategies.\n\nSecond line.',
      note: 'Mixed, not pure',
    });
    expect(edited.status).toBe(303);
    const renamed = await client.post(`/tags/${tag.slug}/edit`, {
      name: 'Games and strategy',
      description: 'Players choose mixed strategies.\n\nSecond line.',
      note: '',
    });
    expect(renamed.headers.get('location')).toBe('/tags/games-and-strategy');
    const unchanged = await client.post('/tags/games-and-strategy/edit', {
      name: 'Games and strategy',
      description: 'Players choose mixed strategies.\n\nSecond line.',
      note: 'nothing',
    });
    expect(unchanged.status).toBe(303);
    expect((await tagRow('games-and-strategy'))!.revision_count).toBe(3);

    const old = await client.get('/tags/game-theory/history/2?x=1');
    expect(old.status).toBe(301);
    expect(old.headers.get('location')).toBe('/tags/games-and-strategy/history/2?x=1');
    expect((await client.get('/tags/Games-And-Strategy')).headers.get('location')).toBe('/tags/games-and-strategy');
    expect((await client.get('/tags/game-theory/edit')).headers.get('location')).toBe('/tags/games-and-strategy/edit');

    const history = await (await client.get('/tags/games-and-strategy/history')).text();
    expect(history).toContain('Revision 3</a><strong> (current)</strong>');
    expect(history).toContain('Revision 1</a> (created)');
    expect(history).toContain('· named “Game theory”');
    expect(history).toContain('— Mixed, not pure');
    expect(history).toMatch(/Revision 2<\/a> · <time[^>]*>[^<]*<\/time> by <a href="\/users\/user_\w+">user_\w+<\/a>/);

    const second = await (await client.get('/tags/games-and-strategy/history/2')).text();
    expect(second).toContain('Changes since revision 1');
    expect(second).toContain('<ins>mixed </ins>');
    expect(second).toContain('Name (unchanged): ');
    const third = await (await client.get('/tags/games-and-strategy/history/3')).text();
    expect(third).toContain('<span class="diff-label">Name: </span>');
    expect(third).toContain('<del>Game theory</del>');
    expect(third).toContain('The description did not change.');
    expect((await client.get('/tags/games-and-strategy/history/9')).status).toBe(404);
    expect((await client.get('/tags/games-and-strategy/history/x')).status).toBe(404);

    // Taking the old name back takes the old slug back; the slug in between now redirects.
    await client.post('/tags/games-and-strategy/edit', { name: 'Game theory', description: 'Back.', note: '' });
    expect((await client.get('/tags/game-theory')).status).toBe(200);
    expect((await client.get('/tags/games-and-strategy')).headers.get('location')).toBe('/tags/game-theory');
    // Another tag may take the name in between, but not the address that still leads to this one.
    const other = await client.post('/tags/new', { name: 'Games and Strategy', description: '' });
    expect(other.headers.get('location')).toBe('/tags/games-and-strategy-2');
  });

  it('refuses a rename onto another tag’s name, and a description too long, re-showing the edit', async () => {
    const other = await makeTag(db, { name: 'Probability' });
    const tag = await makeTag(db, { name: 'Chance' });
    const { client } = await taggerClient(app, db);
    const taken = await client.post(`/tags/${tag.slug}/edit`, { name: 'PROBABILITY', description: 'Mine', note: 'n' });
    expect(taken.status).toBe(422);
    const html = await taken.text();
    expect(html).toContain(`<a href="/tags/${other.slug}">Probability</a>`);
    expect(html).toContain('value="PROBABILITY"');
    expect(html).toContain('value="n"');
    const long = await client.post(`/tags/${tag.slug}/edit`, { name: 'Chance', description: 'z'.repeat(20_001) });
    expect(long.status).toBe(422);
    expect((await tagRow(tag.slug))!.revision_count).toBe(1);
  });
});

describe('addresses of merged and deleted tags', () => {
  it('redirects a merged tag to the one it was merged into, and answers 404 for a deleted or unknown tag', async () => {
    const into = await makeTag(db, { name: 'Inference' });
    const merged = await makeTag(db, { name: 'Statistical inference' });
    const deleted = await makeTag(db, { name: 'Obsolete' });
    await db.query('UPDATE tags SET merged_into_id = $2 WHERE id = $1', [merged.id, into.id]);
    await db.query('UPDATE tags SET deleted_at = now() WHERE id = $1', [deleted.id]);
    const client = new TestClient(app);
    const response = await client.get(`/tags/${merged.slug}`);
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe(`/tags/${into.slug}`);
    expect((await client.get(`/tags/${merged.slug}/feed.xml`)).headers.get('location')).toBe(
      `/tags/${into.slug}/feed.xml`,
    );
    expect((await client.get(`/tags/${deleted.slug}`)).status).toBe(404);
    expect((await client.get(`/tags/${deleted.slug}/feed.xml`)).status).toBe(404);
    expect((await client.get('/tags/no-such-tag')).status).toBe(404);
    expect((await client.get(`/tags/${'a'.repeat(200)}`)).status).toBe(404);
    expect((await client.get('/tags/%3Cscript%3E')).status).toBe(404);
    const names = (await allTagsByName(db)).map((tag) => tag.name);
    expect(names).toContain('Inference');
    expect(names).not.toContain('Statistical inference');
    expect(names).not.toContain('Obsolete');
  });
});
