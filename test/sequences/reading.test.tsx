import { describe, expect, it } from 'vitest';
import { demoSequences } from '../../src/demo/content.js';
import { deletePost } from '../../src/posts/service.js';
import { loadDemoSequences } from '../../src/sequences/demo.js';
import { sequenceList, sequencesOfUser } from '../../src/sequences/list-queries.js';
import { ProfileSequences } from '../../src/sequences/post-views.js';
import { sequencesInProgress, sequencesOfPost } from '../../src/sequences/queries.js';
import { removePostFromSequence } from '../../src/sequences/service.js';
import { postListExtras, postPageSlots } from '../../src/sequences/slots.js';
import { TestClient, useTestApp } from '../helpers/app.js';
import { actorOf, makePost, makeUser } from '../helpers/factories.js';
import { linkedTitles, loggedIn, makeSequence } from './helpers.js';

const { db, app } = useTestApp();

const CHAPTERS = { 'Scoring one forecaster': ['Proper rules', 'Calibration'], 'Many forecasters': ['Pooling'] };

describe('the sequence page', () => {
  it('shows title, author, rendered description and the chapters with their posts in order, numbered across chapters', async () => {
    const author = await makeUser(db);
    const { id } = await makeSequence(db, author.id, CHAPTERS, 'Scoring the Future');
    const html = await (await new TestClient(app).get(`/s/${id}`)).text();
    expect(html).toContain('<h1 id="sequence-title">Scoring the Future</h1>');
    expect(html).toContain(`href="/users/${author.username}"`);
    expect(html).toContain('About <em>things</em>.');
    expect(html.indexOf('Scoring one forecaster')).toBeLessThan(html.indexOf('Many forecasters'));
    expect(linkedTitles(html, id)).toEqual(['Proper rules', 'Calibration', 'Pooling']);
    expect(html).toContain('Start reading: Proper rules');
    expect(html).toContain('<ol class="sequence-posts" start="3">');
    expect(html).toContain('min read');
    expect(html).toContain('Some text with math'); // the excerpt
  });

  it('hides posts that were unpublished or deleted, and says 404 for an unknown or malformed sequence id', async () => {
    const author = await makeUser(db);
    const { id, postIds } = await makeSequence(db, author.id, { '': ['Kept', 'Gone'] });
    await deletePost(db, actorOf(author.id), postIds.Gone!);
    const html = await (await new TestClient(app).get(`/s/${id}`)).text();
    expect(linkedTitles(html, id)).toEqual(['Kept']);
    expect(html).toContain('1 post');
    expect((await new TestClient(app).get('/s/AAAAAAAAAAAAAAAAA')).status).toBe(404);
    expect((await new TestClient(app).get('/s/nope')).status).toBe(404);
  });
});

describe('reading a post inside its sequence', () => {
  it('shows the banner with position and chapter, and previous/next links across chapters with nothing beyond the ends', async () => {
    const author = await makeUser(db);
    const { id, postIds } = await makeSequence(db, author.id, CHAPTERS, 'Scoring the Future');
    const reader = new TestClient(app);

    const first = await (await reader.get(`/s/${id}/p/${postIds['Proper rules']}`)).text();
    expect(first).toContain(`Part of the <a href="/s/${id}">Scoring the Future</a> sequence`);
    expect(first).toContain('Post 1 of 3');
    expect(first).toContain('Start of the sequence');
    expect(first).toContain(`rel="next" href="/s/${id}/p/${postIds.Calibration}"`);
    expect(first).not.toContain('rel="prev"');
    // The canonical address stays the post's own.
    expect(first).toMatch(new RegExp(`<link rel="canonical" href="http://localhost/posts/${postIds['Proper rules']}/`));

    const middle = await (await reader.get(`/s/${id}/p/${postIds.Calibration}`)).text();
    expect(middle).toContain('Post 2 of 3');
    expect(middle).toContain(`rel="prev" href="/s/${id}/p/${postIds['Proper rules']}"`);
    expect(middle).toContain(`rel="next" href="/s/${id}/p/${postIds.Pooling}"`);

    const last = await (await reader.get(`/s/${id}/p/${postIds.Pooling}`)).text();
    expect(last).toContain('Post 3 of 3');
    expect(last).toContain('Many forecasters');
    expect(last).toContain('End of the sequence');
    expect(last).not.toContain('rel="next"');
  });

  it('answers 404 with a clear message for a post not in the sequence, a removed post and an unknown sequence', async () => {
    const author = await makeUser(db);
    const { id, postIds } = await makeSequence(db, author.id, { '': ['In', 'Removed'] });
    const outsider = await makePost(db, { authorId: author.id });
    const reader = new TestClient(app);
    const notIn = await reader.get(`/s/${id}/p/${outsider.id}`);
    expect(notIn.status).toBe(404);
    expect(await notIn.text()).toContain('That post is not part of this sequence.');
    await removePostFromSequence(db, actorOf(author.id), { sequenceId: id, postId: postIds.Removed! });
    expect((await reader.get(`/s/${id}/p/${postIds.Removed}`)).status).toBe(404);
    const unknown = await reader.get(`/s/BBBBBBBBBBBBBBBBB/p/${postIds.In}`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('There is no sequence at this address.');
    expect((await reader.get(`/s/${id}/p/garbage`)).status).toBe(404);
  });

  it('lists the sequences a post is part of on its own page, with its position in each', async () => {
    const author = await makeUser(db);
    const one = await makeSequence(db, author.id, { '': ['Shared', 'Other'] }, 'First series');
    const shared = one.postIds.Shared!;
    const two = await makeSequence(db, author.id, { '': ['Intro'] }, 'Second series');
    await db.query(
      `INSERT INTO sequence_posts (sequence_id, post_id, chapter_id, position)
       SELECT $1, $2, id, 5 FROM sequence_chapters WHERE sequence_id = $1`,
      [two.id, shared],
    );
    const memberships = await sequencesOfPost(db, shared);
    expect(memberships.map((m) => [m.title, m.number, m.total]).sort()).toEqual([
      ['First series', 1, 2],
      ['Second series', 2, 2],
    ]);
    const slots = await postPageSlots(db, shared);
    const banner = String(slots.banner);
    expect(banner).toContain(`href="/s/${one.id}/p/${shared}"`);
    expect(banner).toContain('Post 2 of 2');
    expect(slots.afterBody).toBeUndefined();
    expect((await postPageSlots(db, (await makePost(db)).id)).banner).toBeUndefined();
  });
});

describe('reading progress', () => {
  it('counts opened posts, ticks them, offers the first unread one and lists the sequence on the frontpage until done', async () => {
    const author = await makeUser(db);
    const { id, postIds } = await makeSequence(db, author.id, CHAPTERS, 'Progress series');
    const { client, user } = await loggedIn(app, db);

    const fresh = await (await client.get(`/s/${id}`)).text();
    expect(fresh).toContain('Start reading: Proper rules');
    expect(fresh).not.toContain('of 3 read');
    expect(await sequencesInProgress(db, user.id)).toEqual([]);

    // Reading the second post first, through the sequence; then the first through its own address.
    await client.get(`/s/${id}/p/${postIds.Calibration}`);
    let page = await (await client.get(`/s/${id}`)).text();
    expect(page).toContain('1 of 3 read');
    expect(page).toContain(`href="/s/${id}/p/${postIds['Proper rules']}">Continue reading: Proper rules`);
    expect(page.match(/class="sequence-post is-read"/g)).toHaveLength(1);

    const own = await client.get(`/posts/${postIds['Proper rules']}`);
    await client.get(own.headers.get('location')!);
    page = await (await client.get(`/s/${id}`)).text();
    expect(page).toContain('2 of 3 read');
    expect(page).toContain('Continue reading: Pooling');
    expect(await sequencesInProgress(db, user.id)).toEqual([
      {
        id,
        title: 'Progress series',
        postCount: 3,
        readCount: 2,
        nextPostId: postIds.Pooling,
        nextPostTitle: 'Pooling',
      },
    ]);

    await client.get(`/s/${id}/p/${postIds.Pooling}`);
    page = await (await client.get(`/s/${id}`)).text();
    expect(page).toContain('3 of 3 read');
    expect(page).toContain('You have read every post.');
    expect(await sequencesInProgress(db, user.id)).toEqual([]);

    // Someone else's progress is their own.
    const other = await loggedIn(app, db);
    expect(await (await other.client.get(`/s/${id}`)).text()).toContain('Start reading');
  });
});

describe('lists of sequences', () => {
  it('lists sequences with posts newest first or by the karma of their posts, which follows votes', async () => {
    const author = await makeUser(db);
    const older = await makeSequence(db, author.id, { '': ['Old one'] }, 'Older list item');
    const newer = await makeSequence(db, author.id, { '': ['New one'] }, 'Newer list item');
    await db.query(`UPDATE sequences SET created_at = now() - interval '1 day' WHERE id = $1`, [older.id]);
    const empty = await makeSequence(db, author.id, {}, 'Empty list item');

    const newest = (await sequenceList(db, 'new', 100)).map((s) => s.id);
    expect(newest.indexOf(newer.id)).toBeLessThan(newest.indexOf(older.id));
    expect(newest).not.toContain(empty.id);

    // A vote (any change to posts.base_score) moves the sequence's karma in the same statement.
    await db.query('UPDATE posts SET base_score = 500 WHERE id = $1', [older.postIds['Old one']]);
    const top = await sequenceList(db, 'top', 1);
    expect(top[0]).toMatchObject({ id: older.id, karma: 500, postCount: 1 });
    const html = await (await new TestClient(app).get('/sequences?sort=top')).text();
    expect(html.indexOf('Older list item')).toBeLessThan(html.indexOf('Newer list item'));
    expect(html).not.toContain('Empty list item');

    const mine = await sequencesOfUser(db, author.id, true);
    expect(mine.map((s) => s.title)).toContain('Empty list item');
    expect((await sequencesOfUser(db, author.id, false)).map((s) => s.title)).not.toContain('Empty list item');
  });

  it('tags posts in post lists with their sequence, one query for the whole list', async () => {
    const author = await makeUser(db);
    const { id, postIds } = await makeSequence(db, author.id, { '': ['Tagged'] }, 'Tag series');
    const loose = await makePost(db);
    const extras = await postListExtras(db, [postIds.Tagged!, loose.id]);
    expect(String(extras.get(postIds.Tagged!))).toContain(`in <a href="/s/${id}">Tag series</a>`);
    expect(extras.has(loose.id)).toBe(false);
    expect((await postListExtras(db, [])).size).toBe(0);
    const tab = String(<ProfileSequences sequences={await sequencesOfUser(db, author.id, false)} isOwner={false} />);
    expect(tab).toContain('Tag series');
    expect(tab).not.toContain('Create a sequence');
  });

  it('pages through /sequences with a cursor, each sequence exactly once', async () => {
    const author = await makeUser(db);
    for (let i = 0; i < 33; i++) await makeSequence(db, author.id, { '': [`Paged ${i}`] }, `Paged sequence ${i}`);
    const seen: string[] = [];
    let next: string | undefined = '/sequences?sort=new';
    while (next) {
      const html: string = await (await new TestClient(app).get(next)).text();
      seen.push(...[...html.matchAll(/<a href="\/s\/([0-9A-Za-z]{17})">/g)].map((m) => m[1]!));
      next = /data-load-more="sequences" href="([^"]+)"|href="([^"]+)" data-load-more="sequences"/
        .exec(html)
        ?.slice(1)
        .find(Boolean)
        ?.replaceAll('&amp;', '&');
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe((await sequenceList(db, 'new', 1000)).length);
  });

  it('refuses an unknown order and a broken or foreign cursor on /sequences, naming the parameter', async () => {
    const client = new TestClient(app);
    const bogusSort = await client.get('/sequences?sort=hottest');
    expect(bogusSort.status).toBe(422);
    expect(await bogusSort.text()).toContain('sort must be new or top');
    const broken = await client.get('/sequences?sort=new&after=1700000000000.abc');
    expect(broken.status).toBe(422);
    expect(await broken.text()).toContain('Load more');
    const html = await (await client.get('/sequences?sort=top')).text();
    // More than a page of sequences exists by now (the test above made 33).
    const topCursor = /after=([^"&]+)/.exec(html)?.[1];
    expect(topCursor).toBeDefined();
    expect((await client.get(`/sequences?sort=new&after=${topCursor}`)).status).toBe(422);
  });
});

describe('demo content', () => {
  it('loads the demo sequence with its two chapters and three posts in order', async () => {
    const [demo] = demoSequences;
    const author = await makeUser(db);
    const postIds = new Map<string, string>();
    for (const key of demo!.chapters.flatMap((c) => c.postKeys)) {
      postIds.set(key, (await makePost(db, { authorId: author.id, title: `Demo ${key}` })).id);
    }
    await db.transaction((tx) => loadDemoSequences(tx, postIds, new Map([[demo!.author, author.id]])));
    const [sequence] = await sequencesOfUser(db, author.id, false);
    expect(sequence).toMatchObject({ title: demo!.title, postCount: 3 });
    const html = await (await new TestClient(app).get(`/s/${sequence!.id}`)).text();
    expect(html).toContain('Scoring a single forecaster');
    expect(html).toContain('Many forecasters');
    expect(html).toContain('class="katex"'); // the description's math
    expect(linkedTitles(html, sequence!.id)).toEqual([
      'Demo proper-scoring-rules',
      'Demo calibration-and-resolution',
      'Demo pooling-forecasts',
    ]);
  });
});
