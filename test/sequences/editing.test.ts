import { describe, expect, it } from 'vitest';
import { movePostInSequence } from '../../src/sequences/arrange.js';
import { addPostToSequence } from '../../src/sequences/service.js';
import { TestClient, useTestApp } from '../helpers/app.js';
import { actorOf, makePost, makeUser } from '../helpers/factories.js';
import { linkedTitles, loggedIn, makeSequence, snapshot } from './helpers.js';

const { db, app } = useTestApp();

async function readingOrder(sequenceId: string) {
  return linkedTitles(await (await new TestClient(app).get(`/s/${sequenceId}`)).text(), sequenceId);
}

async function chapterTitles(sequenceId: string) {
  const rows = await db.query<{ title: string }>(
    'SELECT title FROM sequence_chapters WHERE sequence_id = $1 ORDER BY position',
    [sequenceId],
  );
  return rows.map((r) => r.title);
}

describe('creating and editing a sequence', () => {
  it('sends a logged-out author to log in, and refuses a logged-out form post', async () => {
    const anonymous = new TestClient(app);
    const page = await anonymous.get('/sequences/new');
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe('/login?next=%2Fsequences%2Fnew');
    expect((await anonymous.post('/sequences/new', { title: 'x', description: '' })).status).toBe(403);
  });

  it('creates with a rendered description, then builds chapters and posts through the forms', async () => {
    const { client, user } = await loggedIn(app, db);
    const created = await client.post('/sequences/new', {
      title: 'Forecasting',
      description: 'With $p$ and **bold**.',
    });
    expect(created.status).toBe(303);
    const location = created.headers.get('location')!;
    expect(location).toMatch(/^\/s\/[0-9A-Za-z]{17}\/edit\?done=created$/);
    const id = location.split('/')[2]!;
    const [row] = await db.query<{ description_html: string }>('SELECT description_html FROM sequences WHERE id = $1', [
      id,
    ]);
    expect(row!.description_html).toContain('class="katex"');
    expect(row!.description_html).toContain('<strong>bold</strong>');

    const editor = await (await client.get(location)).text();
    expect(editor).toContain('Sequence created. Now add posts to it.');

    const a = await makePost(db, { authorId: user.id, title: 'Alpha' });
    const b = await makePost(db, { authorId: user.id, title: 'Beta' });
    const c = await makePost(db, { authorId: user.id, title: 'Gamma' });
    const chapter = await client.post(`/s/${id}/chapters`, { title: 'Second part' });
    expect(chapter.status).toBe(303);
    const [first, second] = await db.query<{ id: string }>(
      'SELECT id FROM sequence_chapters WHERE sequence_id = $1 ORDER BY position',
      [id],
    );
    expect((await client.post(`/s/${id}/posts`, { postId: a.id, chapterId: first!.id })).status).toBe(303);
    expect((await client.post(`/s/${id}/posts`, { postId: c.id, chapterId: second!.id })).status).toBe(303);
    expect((await client.post(`/s/${id}/posts`, { postId: b.id, chapterId: first!.id })).status).toBe(303);
    expect(await readingOrder(id)).toEqual(['Alpha', 'Beta', 'Gamma']);

    // Rename the first chapter and reorder by numbers, moving Gamma into the first chapter.
    const arranged = await client.post(`/s/${id}/order`, {
      [`title.${first!.id}`]: 'First part',
      [`title.${second!.id}`]: 'Second part',
      [`position.${a.id}`]: '3',
      [`position.${b.id}`]: '1',
      [`position.${c.id}`]: '2',
      [`chapter.${a.id}`]: first!.id,
      [`chapter.${b.id}`]: second!.id,
      [`chapter.${c.id}`]: first!.id,
    });
    expect(arranged.status).toBe(303);
    expect(await readingOrder(id)).toEqual(['Gamma', 'Alpha', 'Beta']);
    expect(await chapterTitles(id)).toEqual(['First part', 'Second part']);

    const saved = await client.post(`/s/${id}/edit`, { title: 'Forecasting, renamed', description: 'New words.' });
    expect(saved.status).toBe(303);
    const page = await (await new TestClient(app).get(`/s/${id}`)).text();
    expect(page).toContain('Forecasting, renamed');
    expect(page).toContain('<p>New words.</p>');
  });

  it('re-renders a refused details form with the input and a message naming the field', async () => {
    const { client, user } = await loggedIn(app, db);
    const empty = await client.post('/sequences/new', { title: '   ', description: 'My careful description' });
    expect(empty.status).toBe(422);
    const html = await empty.text();
    expect(html).toContain('Give your sequence a title.');
    expect(html).toContain('My careful description');
    const long = await client.post('/sequences/new', { title: 'T'.repeat(301), description: '' });
    expect(await long.text()).toContain('Title must be at most 300 characters.');
    expect(await db.query('SELECT 1 FROM sequences WHERE author_id = $1', [user.id])).toHaveLength(0);

    const { id } = await makeSequence(db, user.id, { '': ['Only'] });
    const before = await snapshot(db, id);
    const refused = await client.post(`/s/${id}/edit`, { title: '', description: 'Kept text' });
    expect(refused.status).toBe(422);
    const refusedHtml = await refused.text();
    expect(refusedHtml).toContain('Give your sequence a title.');
    expect(refusedHtml).toContain('Kept text');
    expect(await snapshot(db, id)).toEqual(before);
  });
});

describe('moving posts and chapters', () => {
  it('moves a post up and down across chapters and stays put at the ends', async () => {
    const { client, user } = await loggedIn(app, db);
    const { id, postIds } = await makeSequence(db, user.id, { One: ['A', 'B'], Two: ['C'] });
    const move = (title: string, direction: string) =>
      client.post(`/s/${id}/posts/${postIds[title]}/move`, { direction });
    expect((await move('B', 'down')).status).toBe(303);
    expect(await readingOrder(id)).toEqual(['A', 'B', 'C']);
    let chapterOfB = await db.query<{ title: string }>(
      `SELECT ch.title FROM sequence_posts sp JOIN sequence_chapters ch ON ch.id = sp.chapter_id WHERE sp.post_id = $1`,
      [postIds.B],
    );
    expect(chapterOfB[0]!.title).toBe('Two');
    await move('C', 'up');
    expect(await readingOrder(id)).toEqual(['A', 'C', 'B']);
    await move('A', 'up');
    await move('B', 'down');
    expect(await readingOrder(id)).toEqual(['A', 'C', 'B']);
    chapterOfB = await db.query(
      `SELECT ch.title FROM sequence_posts sp JOIN sequence_chapters ch ON ch.id = sp.chapter_id WHERE sp.post_id = $1`,
      [postIds.B],
    );
    expect(chapterOfB[0]!.title).toBe('Two');
  });

  it('answers the client script with the redrawn contents as JSON', async () => {
    const { client, user } = await loggedIn(app, db);
    const { id, postIds } = await makeSequence(db, user.id, { '': ['A', 'B'] });
    const response = await client.request(`/s/${id}/posts/${postIds.B}/move`, {
      method: 'POST',
      body: new URLSearchParams({ direction: 'up' }).toString(),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        origin: 'http://localhost',
        'x-csrf-token': client.cookies.get('lyceum_csrf')!,
      },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { html: string; notice: string };
    expect(body.notice).toBe('Post moved.');
    expect(body.html).toMatch(/^<div id="sequence-contents"/);
    expect(body.html.indexOf('>B</a>')).toBeLessThan(body.html.indexOf('>A</a>'));
  });

  it('moves, deletes chapters (their posts join the neighbour) but never the last one', async () => {
    const { client, user } = await loggedIn(app, db);
    const { id, chapterIds } = await makeSequence(db, user.id, { One: ['A'], Two: ['B', 'C'] });
    await client.post(`/s/${id}/chapters/${chapterIds.Two}/move`, { direction: 'up' });
    expect(await chapterTitles(id)).toEqual(['Two', 'One']);
    expect(await readingOrder(id)).toEqual(['B', 'C', 'A']);
    expect((await client.post(`/s/${id}/chapters/${chapterIds.One}/delete`, {})).status).toBe(303);
    expect(await chapterTitles(id)).toEqual(['Two']);
    expect(await readingOrder(id)).toEqual(['B', 'C', 'A']);
    const before = await snapshot(db, id);
    const last = await client.post(`/s/${id}/chapters/${chapterIds.Two}/delete`, {});
    expect(last.status).toBe(422);
    expect(await last.text()).toContain('A sequence keeps at least one chapter.');
    expect(await snapshot(db, id)).toEqual(before);
  });

  it('removes a post from the sequence without touching the post, and deletes a sequence after confirmation', async () => {
    const { client, user } = await loggedIn(app, db);
    const { id, postIds } = await makeSequence(db, user.id, { '': ['Stay', 'Leave'] });
    expect((await client.post(`/s/${id}/posts/${postIds.Leave}/remove`, {})).status).toBe(303);
    expect(await readingOrder(id)).toEqual(['Stay']);
    expect(await db.query('SELECT 1 FROM posts WHERE id = $1 AND deleted_at IS NULL', [postIds.Leave])).toHaveLength(1);

    const before = await snapshot(db, id);
    const unconfirmed = await client.post(`/s/${id}/delete`, {});
    expect(unconfirmed.status).toBe(422);
    expect(await unconfirmed.text()).toContain('Tick “Yes, delete this sequence” to confirm.');
    expect(await snapshot(db, id)).toEqual(before);
    const deleted = await client.post(`/s/${id}/delete`, { confirm: 'yes' });
    expect(deleted.status).toBe(303);
    expect(await db.query('SELECT 1 FROM sequences WHERE id = $1', [id])).toHaveLength(0);
    expect(await db.query('SELECT 1 FROM sequence_posts WHERE sequence_id = $1', [id])).toHaveLength(0);
    expect((await new TestClient(app).get(`/s/${id}`)).status).toBe(404);
  });
});

describe('refused changes leave everything as it was', () => {
  it('refuses adding another user’s post, a draft, a duplicate, a garbage id and an unknown chapter', async () => {
    const { client, user } = await loggedIn(app, db);
    const { id, postIds } = await makeSequence(db, user.id, { One: ['Already in'], Two: [] });
    const others = await makePost(db, { title: 'Not yours' });
    const draft = await makePost(db, { authorId: user.id, title: 'Unfinished', publish: false });
    const mine = await makePost(db, { authorId: user.id, title: 'Mine' });
    const before = await snapshot(db, id);
    const cases: [Record<string, string>, string][] = [
      [{ postId: others.id }, 'You can only add your own posts to your sequence.'],
      [{ postId: draft.id }, '“Unfinished” is a draft; publish it before adding it to a sequence.'],
      [{ postId: postIds['Already in']! }, '“Already in” is already in this sequence.'],
      [{ postId: 'garbage<>' }, 'Choose one of your published posts.'],
      [{ postId: 'ZZZZZZZZZZZZZZZZZ' }, 'There is no post with that id.'],
      [{ postId: mine.id, chapterId: 'ZZZZZZZZZZZZZZZZZ' }, 'Choose one of the chapters of this sequence.'],
    ];
    for (const [form, message] of cases) {
      const response = await client.post(`/s/${id}/posts`, form);
      expect(response.status, message).toBe(422);
      const html = await response.text();
      expect(html.replaceAll('&#39;', "'")).toContain(message);
      expect(html).toContain('class="field-error" id="field-');
    }
    expect(await snapshot(db, id)).toEqual(before);
  });

  it('refuses a reorder with a missing, foreign or malformed entry, naming the field, and changes nothing', async () => {
    const { client, user } = await loggedIn(app, db);
    const { id, postIds, chapterIds } = await makeSequence(db, user.id, { One: ['A', 'B'], Two: ['C'] });
    const stranger = await makePost(db);
    const full = {
      [`position.${postIds.A}`]: '3',
      [`position.${postIds.B}`]: '2',
      [`position.${postIds.C}`]: '1',
      [`title.${chapterIds.One}`]: 'Renamed',
    };
    const before = await snapshot(db, id);
    const { [`position.${postIds.B}`]: _dropped, ...missing } = full;
    const cases: [Record<string, string>, string][] = [
      [missing, 'Give “B” a position.'],
      [{ ...full, [`position.${stranger.id}`]: '4' }, 'is not part of this sequence'],
      [{ ...full, [`position.${postIds.A}`]: 'first' }, 'The position of “A” must be a whole number from 1 to 999.'],
      [{ ...full, [`position.${postIds.A}`]: '0' }, 'The position of “A” must be a whole number from 1 to 999.'],
      [{ ...full, [`chapter.${postIds.A}`]: 'ZZZZZZZZZZZZZZZZZ' }, 'Choose one of this sequence'],
      [{ ...full, [`title.${chapterIds.One}`]: 'x'.repeat(201) }, 'A chapter title must be at most 200 characters.'],
      [{ ...full, 'title.ZZZZZZZZZZZZZZZZZ': 'Ghost' }, 'is not part of this sequence'],
    ];
    for (const [form, message] of cases) {
      const response = await client.post(`/s/${id}/order`, form);
      expect(response.status, message).toBe(422);
      const html = (await response.text()).replaceAll('&#39;', "'");
      expect(html).toContain(message);
      // The author's typed values come back.
      expect(html).toContain(`value="${form[`position.${postIds.C}`]}"`);
    }
    expect(await snapshot(db, id)).toEqual(before);
  });

  it('answers 404 for moving or removing a post or chapter that is not in the sequence', async () => {
    const { client, user } = await loggedIn(app, db);
    const { id } = await makeSequence(db, user.id, { '': ['A'] });
    const elsewhere = await makeSequence(db, user.id, { Other: ['B'] });
    const before = await snapshot(db, id);
    const attempts = [
      client.post(`/s/${id}/posts/${elsewhere.postIds.B}/move`, { direction: 'up' }),
      client.post(`/s/${id}/posts/garbage/move`, { direction: 'up' }),
      client.post(`/s/${id}/posts/${elsewhere.postIds.B}/remove`, {}),
      client.post(`/s/${id}/chapters/${elsewhere.chapterIds.Other}/move`, { direction: 'down' }),
      client.post(`/s/${id}/chapters/${elsewhere.chapterIds.Other}/delete`, {}),
    ];
    for (const response of await Promise.all(attempts)) expect(response.status).toBe(404);
    const sideways = await client.post(`/s/${id}/posts/${elsewhere.postIds.B}/move`, { direction: 'sideways' });
    expect(sideways.status).toBe(422);
    expect(await sideways.text()).toContain('Move up or down');
    expect(await snapshot(db, id)).toEqual(before);
    expect((await client.post('/s/ZZZZZZZZZZZZZZZZZ/posts', { postId: elsewhere.postIds.B! })).status).toBe(404);
  });

  it('lets only the author change a sequence; a moderator may delete it', async () => {
    const author = await makeUser(db);
    const { id, postIds, chapterIds } = await makeSequence(db, author.id, { '': ['A', 'B'] });
    const { client: other } = await loggedIn(app, db);
    const otherPost = await makePost(db);
    const before = await snapshot(db, id);
    const attempts = await Promise.all([
      other.get(`/s/${id}/edit`),
      other.post(`/s/${id}/edit`, { title: 'Hijacked', description: '' }),
      other.post(`/s/${id}/posts`, { postId: otherPost.id }),
      other.post(`/s/${id}/posts/${postIds.A}/move`, { direction: 'down' }),
      other.post(`/s/${id}/posts/${postIds.A}/remove`, {}),
      other.post(`/s/${id}/chapters`, { title: 'Mine now' }),
      other.post(`/s/${id}/chapters/${chapterIds['']}/move`, { direction: 'down' }),
      other.post(`/s/${id}/order`, { [`position.${postIds.A}`]: '2', [`position.${postIds.B}`]: '1' }),
      other.post(`/s/${id}/delete`, { confirm: 'yes' }),
    ]);
    for (const response of attempts) expect(response.status).toBe(403);
    const anonymous = new TestClient(app);
    expect((await anonymous.post(`/s/${id}/posts/${postIds.A}/move`, { direction: 'down' })).status).toBe(403);
    expect((await anonymous.get(`/s/${id}/edit`)).status).toBe(302);
    expect(await snapshot(db, id)).toEqual(before);
    expect(await (await new TestClient(app).get(`/s/${id}`)).text()).not.toContain('Edit sequence');

    const moderator = await makeUser(db, { role: 'moderator' });
    const { client: mod } = await loggedIn(app, db, moderator);
    expect((await mod.get(`/s/${id}/edit`)).status).toBe(403);
    expect((await mod.post(`/s/${id}/delete`, {})).status).toBe(422);
    expect((await mod.post(`/s/${id}/delete`, { confirm: 'yes' })).status).toBe(303);
    expect(await db.query('SELECT 1 FROM sequences WHERE id = $1', [id])).toHaveLength(0);
  });

  it('applies a double-submitted add once and concurrent moves in turn, keeping positions distinct', async () => {
    const user = await makeUser(db);
    const actor = actorOf(user.id);
    const { id, postIds } = await makeSequence(db, user.id, { One: ['A', 'B'], Two: ['C'] });
    const extra = await makePost(db, { authorId: user.id, title: 'Twice' });
    const adds = await Promise.allSettled([
      addPostToSequence(db, actor, { sequenceId: id, postId: extra.id }),
      addPostToSequence(db, actor, { sequenceId: id, postId: extra.id }),
    ]);
    expect(adds.map((a) => a.status).sort()).toEqual(['fulfilled', 'rejected']);
    await Promise.all([
      movePostInSequence(db, actor, { sequenceId: id, postId: postIds.A!, direction: 'down' }),
      movePostInSequence(db, actor, { sequenceId: id, postId: postIds.C!, direction: 'up' }),
    ]);
    const order = await readingOrder(id);
    expect(order).toHaveLength(4);
    expect(new Set(order)).toEqual(new Set(['A', 'B', 'C', 'Twice']));
    const [{ count }] = (await db.query<{ count: number }>(
      'SELECT count(DISTINCT (chapter_id, position)) AS count FROM sequence_posts WHERE sequence_id = $1',
      [id],
    )) as [{ count: number }];
    expect(count).toBe(4);
  });
});
