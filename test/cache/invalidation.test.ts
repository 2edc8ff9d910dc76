import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commentScoresTag } from '../../src/cache/caches.js';
import type { CommentScores } from '../../src/comments/queries.js';
import type { ChangeFeed } from '../../src/db/changes.js';
import { createSequence } from '../../src/sequences/service.js';
import { applyTag } from '../../src/tags/links-service.js';
import { voteOnRelevance } from '../../src/tags/relevance.js';
import { editTag } from '../../src/tags/service.js';
import { castVote } from '../../src/votes/service.js';
import { makeTestApp, TestClient, useTestApp } from '../helpers/app.js';
import { eventually } from '../helpers/eventually.js';
import { actorOf, makeComment, makePost, makeUser } from '../helpers/factories.js';
import { makeTag, makeTagger } from '../tags/tags-helpers.js';

// Each row of the invalidation table (src/cache/caches.ts, docs/ARCHITECTURE.md): a change made in the
// database, as any process or CLI would make it, drops exactly what shows it, in two instances that share the
// database and each keep their own caches. Instance A refreshes lists only after a minute, so what a row must
// not drop at once is seen kept; instance B refreshes them after 200 ms, so the refresh is seen to come.
describe('the invalidation table, in two instances', () => {
  const a = useTestApp({ PAGE_CACHE_TTL_MS: '600000', LIST_REFRESH_MS: '600000' });
  const { db } = a;
  let b: Awaited<ReturnType<typeof makeTestApp>>;
  beforeAll(async () => {
    b = await makeTestApp(db, { PAGE_CACHE_TTL_MS: '600000', LIST_REFRESH_MS: '200' });
  });
  afterAll(async () => {
    await b?.caching?.stop();
  });

  // One logged-out browser per instance, holding its cookies (a first visit gets a CSRF cookie, uncached).
  let browsers: TestClient[] | undefined;
  const instances = () => {
    browsers ??= [new TestClient(a.app), new TestClient(b.app)];
    return [
      { name: 'A', client: browsers[0]!, caching: a.caching! },
      { name: 'B', client: browsers[1]!, caching: b.caching! },
    ];
  };

  /** Whether a logged-out GET of `path` on this instance is answered from its page cache. */
  async function cached(client: TestClient, path: string): Promise<boolean> {
    const response = await client.get(path);
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    return response.headers.get('x-cache') === 'hit';
  }

  /** Requests every page until each is cached in both instances (after every change so far is heard). */
  async function warm(paths: string[]) {
    await heard();
    for (const { client } of instances()) {
      for (const path of paths) await eventually(() => cached(client, path));
    }
  }

  /** Both instances have heard of every change committed so far. */
  async function heard() {
    await Promise.all(instances().map(({ caching }) => caching.caches.settle()));
  }

  async function forum() {
    const author = await makeUser(db);
    const voter = await makeUser(db);
    const post = await makePost(db, { authorId: author.id, title: 'Watched post' });
    const other = await makePost(db, { title: 'Bystander post' });
    const comment = await makeComment(db, { postId: post.id, markdown: 'A first comment.' });
    const postPath = `/posts/${post.id}/watched-post`;
    const otherPath = `/posts/${other.id}/bystander-post`;
    const profile = `/users/${author.username}`;
    await warm([postPath, otherPath, '/', '/discussion', profile, '/feed.xml']);
    return { author, voter, post, other, comment, postPath, otherPath, profile };
  }

  /** For each instance: which of `paths` are still served from its cache. */
  async function stillCached(paths: string[]): Promise<Record<string, Record<string, boolean>>> {
    const seen: Record<string, Record<string, boolean>> = {};
    for (const { name, client } of instances()) {
      seen[name] = {};
      for (const path of paths) seen[name]![path] = await cached(client, path);
    }
    return seen;
  }

  function expectBoth(seen: Record<string, Record<string, boolean>>, expected: Record<string, boolean>) {
    expect(seen.A).toEqual(expected);
    expect(seen.B).toEqual(expected);
  }

  it('post:<id> (a post edited): drops its page, its comments, its compressed segments, its kept comment heads and every list, not other posts', async () => {
    const f = await forum();
    // A compressed part of its comment section (comments/segments.ts), kept for logged-in readers by content,
    // and its comments' heads kept for its next trees (comments/heads.ts).
    const piece = { deflated: Buffer.from('compressed'), crc: 0, length: 10 };
    const heads = new Map([['c', { key: 'k', body: '<p>b</p>', html: Buffer.from('<article>') }]]);
    for (const { caching } of instances()) {
      const segments = caching.caches.commentSegments;
      segments.store('segment:test', segments.begin(), piece, [`segments:${f.post.id}`]);
      const kept = caching.caches.commentHeads;
      kept.store(f.post.id, kept.begin(), heads, [`segments:${f.post.id}`]);
      kept.store(f.other.id, kept.begin(), heads, [`segments:${f.other.id}`]);
    }
    await db.query(`UPDATE posts SET title = 'Watched post, revised' WHERE id = $1`, [f.post.id]);
    await heard();
    expect(instances().map(({ caching }) => caching.caches.commentSegments.peek('segment:test'))).toEqual([
      undefined,
      undefined,
    ]);
    expect(instances().map(({ caching }) => caching.caches.commentHeads.peek(f.post.id))).toEqual([
      undefined,
      undefined,
    ]);
    expect(instances().map(({ caching }) => caching.caches.commentHeads.peek(f.other.id))).toEqual([heads, heads]);
    expectBoth(await stillCached([f.postPath, f.otherPath, '/', '/feed.xml']), {
      [f.postPath]: false,
      [f.otherPath]: true,
      '/': false,
      '/feed.xml': false,
    });
    expect(await (await instances()[1]!.client.get('/')).text()).toContain('Watched post, revised');
  });

  it('post-counts:<id> (a vote on a post): drops its page now, keeps its comments, and lists follow later', async () => {
    const f = await forum();
    const trees = instances().map(({ caching }) => caching.caches.commentTrees.hits);
    await castVote(db, { voterId: f.voter.id, targetType: 'post', targetId: f.post.id, axis: 'karma', kind: 'up' });
    await heard();
    const seen = await stillCached([f.postPath, f.otherPath, '/discussion']);
    expect(seen.A).toEqual({ [f.postPath]: false, [f.otherPath]: true, '/discussion': true });
    expect(seen.B![f.postPath]).toBe(false);
    expect(seen.B![f.otherPath]).toBe(true);
    // The post page was rebuilt around the comment tree each instance kept.
    expect(instances().map(({ caching }) => caching.caches.commentTrees.hits > trees.shift()!)).toEqual([true, true]);
    // Lists and feeds: A (a minute's refresh) still serves its copies; B's refresh drops them within moments.
    // (The author's profile shows their karma, so "user:<id>" drops it at once in both.)
    expect(await cached(instances()[0]!.client, '/')).toBe(true);
    expect(await cached(instances()[0]!.client, '/feed.xml')).toBe(true);
    expect(await cached(instances()[0]!.client, f.profile)).toBe(false);
    const b = instances()[1]!.client;
    await eventually(async () => !(await cached(b, '/')));
    expect(await cached(b, '/feed.xml')).toBe(false);
  });

  it('lists (only a rank changed): drops no post page, and lists follow later', async () => {
    const f = await forum();
    await db.query('UPDATE posts SET magic_score = coalesce(magic_score, 0) + 1 WHERE id = $1', [f.post.id]);
    await heard();
    expectBoth(await stillCached([f.postPath, f.otherPath]), { [f.postPath]: true, [f.otherPath]: true });
    expect(await cached(instances()[0]!.client, '/')).toBe(true);
    const b = instances()[1]!.client;
    await eventually(async () => !(await cached(b, '/')));
  });

  it('comment-score:<postId>:<id>:… (a vote on a comment): its post page shows the new score, written into the cached scores; the rendered tree stays', async () => {
    const f = await forum();
    const treeMisses = () => instances().map(({ caching }) => caching.caches.commentTrees.misses);
    const before = treeMisses();
    await castVote(db, {
      voterId: f.voter.id,
      targetType: 'comment',
      targetId: f.comment.id,
      axis: 'agreement',
      kind: 'agree',
    });
    await heard();
    // Each instance wrote the new scores into the post's cached scores (migration 0025's message carries them).
    const [voted] = await db.query<{ agreement: number; votes: number }>(
      'SELECT agreement_score AS agreement, agreement_vote_count AS votes FROM comments WHERE id = $1',
      [f.comment.id],
    );
    for (const { caching } of instances()) {
      const kept = caching.caches.fragments.peek(commentScoresTag(f.post.id)) as Map<string, CommentScores>;
      expect(kept.get(f.comment.id)).toMatchObject({
        agreementScore: voted!.agreement,
        agreementVoteCount: voted!.votes,
      });
    }
    expectBoth(await stillCached([f.postPath, f.otherPath, '/', '/discussion', '/feed.xml']), {
      [f.postPath]: false,
      [f.otherPath]: true,
      '/': true,
      '/discussion': true,
      '/feed.xml': true,
    });
    // The page was rebuilt around the tree each instance kept, with the comment's new agreement score.
    expect(treeMisses()).toEqual(before);
    const scoresShown = async (client: TestClient) => {
      const html = await (await client.get(f.postPath)).text();
      const after = html.slice(html.indexOf(`id="comment-${f.comment.id}"`));
      return [...after.matchAll(/class="vote-score"[^>]*>(-?\d+)</g)].slice(0, 2).map((m) => Number(m[1]));
    };
    const [row] = await db.query<{ agreement: number }>(
      'SELECT agreement_score AS agreement FROM comments WHERE id = $1',
      [f.comment.id],
    );
    const agreement = row!.agreement;
    expect(agreement).toBeGreaterThan(0);
    for (const { client } of instances()) expect((await scoresShown(client))[1]).toBe(agreement);
    // The tree is not rendered again for a vote, however long one waits (its order follows on its next render).
    await new Promise((resolve) => setTimeout(resolve, 400));
    for (const { client } of instances()) await client.get(f.postPath);
    expect(treeMisses()).toEqual(before);
  });

  it('comment-added:<postId>:<id> and discussion (a new comment): its post page and Recent Discussion, not other posts; its discussion takes the comment in', async () => {
    const f = await forum();
    // Each instance keeps both posts' discussions as read for their trees (comments/discussion.ts).
    const discussions = (postId: string) => instances().map(({ caching }) => caching.caches.discussions.peek(postId));
    const before = discussions(f.post.id);
    expect(before.every((kept) => kept !== undefined)).toBe(true);
    expect(discussions(f.other.id).every((kept) => kept !== undefined)).toBe(true);
    const added = await makeComment(db, {
      postId: f.post.id,
      parentId: f.comment.id,
      markdown: 'A newer comment, in the discussion.',
    });
    await heard();
    const seen = await stillCached([f.postPath, f.otherPath, '/discussion', '/feed.xml']);
    expectBoth(seen, { [f.postPath]: false, [f.otherPath]: true, '/discussion': false, '/feed.xml': true });
    // The discussions read before stay, and have taken the new comment in, a reply in its place.
    expect(discussions(f.post.id)).toEqual(before);
    for (const [i, kept] of discussions(f.post.id).entries()) {
      expect(kept!.rows.map((row) => row.id)).toEqual([f.comment.id, added.id]);
      expect(kept!.rows[1]!.parentId).toBe(f.comment.id);
      const page = await (await instances()[i]!.client.get(f.postPath)).text();
      expect(page).toContain('A newer comment, in the discussion.');
      expect(page).toContain('1 reply');
    }
    // The frontpage shows Recent Discussion too; its post list (the comment count) follows on refresh.
    for (const { client } of instances()) {
      expect(await (await client.get('/')).text()).toContain('A newer comment, in the discussion.');
    }
  });

  it('comments:<postId> (a comment edited): its post page and the discussion it was read in, not other posts', async () => {
    const f = await forum();
    const discussionsKept = (postId: string) =>
      instances().map(({ caching }) => caching.caches.discussions.peek(postId) !== undefined);
    expect(discussionsKept(f.post.id)).toEqual([true, true]);
    await db.query(`UPDATE comments SET body_html = '<p>Edited since.</p>', edited_at = now() WHERE id = $1`, [
      f.comment.id,
    ]);
    await heard();
    expect(discussionsKept(f.post.id)).toEqual([false, false]);
    expect(discussionsKept(f.other.id)).toEqual([true, true]);
    expectBoth(await stillCached([f.postPath, f.otherPath]), { [f.postPath]: false, [f.otherPath]: true });
    for (const { client } of instances())
      expect(await (await client.get(f.postPath)).text()).toContain('Edited since.');
  });

  it('user:<id> (karma): drops the profile, not the pages that show the user only by name', async () => {
    const f = await forum();
    await db.query('UPDATE users SET karma = karma + 5 WHERE id = $1', [f.author.id]);
    await heard();
    expectBoth(await stillCached([f.profile, f.postPath, '/']), { [f.profile]: false, [f.postPath]: true, '/': true });
  });

  it('reader:<id> (a visit): touches no page logged-out readers share', async () => {
    const f = await forum();
    const reader = await makeUser(db);
    await db.query(
      `INSERT INTO post_visits (user_id, post_id, last_visited_at) VALUES ($1, $2, now())
       ON CONFLICT (user_id, post_id) DO UPDATE SET last_visited_at = now()`,
      [reader.id, f.post.id],
    );
    await heard();
    expectBoth(await stillCached([f.postPath, '/']), { [f.postPath]: true, '/': true });
  });

  it("voter:<id> (a vote): the reader's votes kept with post pages, in both instances", async () => {
    const f = await forum();
    const reader = await makeUser(db);
    const readers = await Promise.all(
      [a.app, b.app].map(async (app) => {
        const client = new TestClient(app);
        await client.logIn(reader.username, reader.password);
        return client;
      }),
    );
    // The comment's upvote button as each instance shows it to the reader (their votes are kept after a view).
    const upPressed = async (client: TestClient) => {
      const html = await (await client.get(f.postPath)).text();
      const item = html.slice(html.indexOf(`id="comment-${f.comment.id}"`));
      return item.match(/aria-label="Upvote" aria-pressed="(true|false)"/)?.[1];
    };
    for (const client of readers) expect(await upPressed(client)).toBe('false');
    // Cast as any process would (a request to a third instance, the CLI): both instances hear of it.
    await castVote(db, {
      voterId: reader.id,
      targetType: 'comment',
      targetId: f.comment.id,
      axis: 'karma',
      kind: 'up',
    });
    await heard();
    for (const client of readers) expect(await upPressed(client)).toBe('true');
  });

  it('sequence:<id> and sequences (a sequence renamed): its pages and the sequence list, not posts', async () => {
    const f = await forum();
    const author = await makeUser(db);
    const { id } = await createSequence(db, { authorId: author.id, title: 'Watched sequence', description: '' });
    await warm(['/sequences', `/s/${id}`]);
    await db.query(`UPDATE sequences SET title = 'Renamed sequence' WHERE id = $1`, [id]);
    await heard();
    expectBoth(await stillCached(['/sequences', `/s/${id}`, f.otherPath]), {
      '/sequences': false,
      [`/s/${id}`]: false,
      [f.otherPath]: true,
    });
  });

  it('tag:<id> (a tag edited): its page, feed and history and /tags, not other tags, posts or lists', async () => {
    const [tag, other, editor] = await Promise.all([
      makeTag(db, { name: 'Watched topic', description: 'First words.' }),
      makeTag(db, { name: 'Bystander topic' }),
      makeTagger(db),
    ]);
    const f = await forum();
    const page = `/tags/${tag.slug}`;
    const tagPages = [page, `${page}/feed.xml`, `${page}/history`, '/tags'];
    await warm([...tagPages, `/tags/${other.slug}`]);
    await editTag(db, actorOf(editor), tag.id, {
      name: 'Watched topic',
      description: 'Second words.',
      note: '',
    });
    await heard();
    expectBoth(await stillCached([...tagPages, `/tags/${other.slug}`, f.postPath, '/']), {
      [page]: false,
      [`${page}/feed.xml`]: false,
      [`${page}/history`]: false,
      '/tags': false,
      [`/tags/${other.slug}`]: true,
      [f.postPath]: true,
      '/': true,
    });
    expect(await (await instances()[1]!.client.get(page)).text()).toContain('Second words.');
  });

  it('post-tags:<postId> (a new link, a relevance vote): the post page, not its comments, other posts or lists', async () => {
    const [tag, tagger] = await Promise.all([makeTag(db, { name: 'Linking topic' }), makeTagger(db)]);
    const f = await forum();
    const treeMisses = () => instances().map(({ caching }) => caching.caches.commentTrees.misses);
    const dropsOnlyThePostPage = async (change: () => Promise<unknown>, shown: string) => {
      await warm([f.postPath]);
      const before = treeMisses();
      await change();
      await heard();
      expectBoth(await stillCached([f.postPath, f.otherPath, '/', '/discussion', '/feed.xml']), {
        [f.postPath]: false,
        [f.otherPath]: true,
        '/': true,
        '/discussion': true,
        '/feed.xml': true,
      });
      // Rebuilt around the comment tree each instance kept, with the tag list as it is now.
      expect(treeMisses()).toEqual(before);
      for (const { client } of instances()) expect(await (await client.get(f.postPath)).text()).toContain(shown);
    };
    await dropsOnlyThePostPage(
      () => applyTag(db, actorOf(tagger), f.post.id, tag.id),
      'title="Relevance 1, from 1 vote"',
    );
    await dropsOnlyThePostPage(
      () => voteOnRelevance(db, { voterId: f.voter.id, postId: f.post.id, tagId: tag.id, kind: 'up', shown: null }),
      'title="Relevance 2, from 2 votes"',
    );

    // What a logged-in reader's views keep of the tags: their votes on the post's links, kept with their other
    // votes on the post (posts/page.tsx), and the post's rendered "Add a tag" options (tags/links-page.ts). A
    // change to one of the post's links drops both for the post.
    const kept = (key: string) => instances().map(({ caching }) => caching.caches.fragments.peek(key) !== undefined);
    for (const app of [a.app, b.app]) {
      const reader = new TestClient(app);
      await reader.logIn(tagger.username, tagger.password);
      for (const path of [f.postPath, f.otherPath]) expect((await reader.get(path)).status).toBe(200);
    }
    expect([kept(`voter:${tagger.id}:${f.post.id}`), kept(`tag-options:${f.post.id}`)]).toEqual([
      [true, true],
      [true, true],
    ]);
    expect(kept(`tag-options:${f.other.id}`)).toEqual([true, true]);
    await voteOnRelevance(db, { voterId: f.author.id, postId: f.post.id, tagId: tag.id, kind: 'down', shown: null });
    await heard();
    expect([kept(`voter:${tagger.id}:${f.post.id}`), kept(`tag-options:${f.post.id}`)]).toEqual([
      [false, false],
      [false, false],
    ]);
    expect(kept(`tag-options:${f.other.id}`)).toEqual([true, true]);
  });

  it('all (a display name changed): drops everything', async () => {
    const f = await forum();
    await db.query(`UPDATE users SET display_name = 'A new name' WHERE id = $1`, [f.author.id]);
    await heard();
    expectBoth(await stillCached([f.postPath, f.otherPath, '/']), {
      [f.postPath]: false,
      [f.otherPath]: false,
      '/': false,
    });
  });
});

/** The feed as a process would have it if every notification took `ms` to arrive (in order, as ever). */
function slowFeed(feed: ChangeFeed, ms: number): ChangeFeed {
  const later = (then: () => void) => setTimeout(then, ms);
  return {
    subscribe: (subscriber) =>
      feed.subscribe({ onChange: (message) => later(() => subscriber.onChange(message)), onReset: subscriber.onReset }),
    get listening() {
      return feed.listening;
    },
    connectionName: feed.connectionName,
    settle: async () => {
      await feed.settle();
      await new Promise<void>((resolve) => later(resolve));
    },
    stop: () => feed.stop(),
  };
}

// A reader's own write shows on their next page with every cache on, though nobody waits for the change to
// come back through the database (Caches.markWriter): here notifications take half a second to arrive.
describe('read-your-writes with caches on', () => {
  const test = useTestApp(
    { PAGE_CACHE_TTL_MS: '600000', LIST_REFRESH_MS: '600000' },
    { feed: (feed) => slowFeed(feed, 500) },
  );
  const { db } = test;

  async function reader() {
    const user = await makeUser(db);
    const client = new TestClient(test.app);
    await client.logIn(user.username, user.password);
    return client;
  }

  it('shows a vote on a comment, cast without JavaScript, on the page the voter is sent back to', async () => {
    const post = await makePost(db, { title: 'Voted on' });
    const comment = await makeComment(db, { postId: post.id, markdown: 'Worth an upvote.' });
    const client = await reader();
    const path = `/posts/${post.id}/voted-on`;
    await eventually(async () => (await client.get(path)).ok);
    const score = async () => {
      const html = await (await client.get(path)).text();
      const match = html.match(new RegExp(`id="comment-${comment.id}"[\\s\\S]*?class="vote-score"[^>]*>(-?\\d+)<`));
      return Number(match?.[1]);
    };
    const before = await score();
    const response = await client.post('/votes', {
      targetType: 'comment',
      targetId: comment.id,
      kind: 'strongUp',
      returnTo: path,
    });
    expect(response.status).toBe(303);
    expect(await score()).toBeGreaterThan(before);
  });

  it('shows a vote on a post on the post page at once, and a new comment on the next page', async () => {
    const post = await makePost(db, { title: 'Freshly voted' });
    const client = await reader();
    const path = `/posts/${post.id}/freshly-voted`;
    const postScore = async () => {
      const html = await (await client.get(path)).text();
      return Number(html.match(/class="vote-score"[^>]*>(-?\d+)</)?.[1]);
    };
    const before = await postScore();
    const voted = await client.request('/api/votes', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        origin: 'http://localhost',
        'x-csrf-token': client.cookies.get('lyceum_csrf')!,
      },
      body: JSON.stringify({ targetType: 'post', targetId: post.id, kind: 'up' }),
    });
    expect(voted.status).toBe(200);
    expect(await postScore()).toBe(before + 1);

    const posted = await client.post(`/posts/${post.id}/comments`, {
      body: 'My own reply, seen at once.',
      intent: 'submit',
    });
    expect(posted.status).toBe(303);
    expect(await (await client.get(posted.headers.get('location')!)).text()).toContain('My own reply, seen at once.');
  });
});
