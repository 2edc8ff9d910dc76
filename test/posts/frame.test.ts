import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { type ReaderMarks, SCRIPT_COOKIE } from '../../src/comments/marks.js';
import { frameCounts } from '../../src/posts/frame.js';
import { savePost } from '../../src/posts/service.js';
import { voteOnRelevance } from '../../src/tags/relevance.js';
import { scoreTitle } from '../../src/votes/kinds.js';
import { TestClient, useTestApp } from '../helpers/app.js';
import { eventually } from '../helpers/eventually.js';
import { actorOf, makeComment, makePost, makeUser } from '../helpers/factories.js';
import { linkPost, makeTag, taggerClient } from '../tags/tags-helpers.js';

// A logged-in reader's post page is spliced from the post's frame, made once per choice the page makes from its
// reader, with the reader's own strings put in (posts/frame.tsx). Whoever reads, the page must be the one rendered
// for them alone: the same bytes as the page sent without compression, which is rendered whole every time.
describe('a post page made from its frame', () => {
  const testApp = useTestApp({ PAGE_CACHE_TTL_MS: '600000', LIST_REFRESH_MS: '600000' });
  const { db, app } = testApp;
  const caches = () => testApp.caching!.caches;
  const asBrowser = { 'accept-encoding': 'gzip, deflate, br, zstd' };

  async function reader(overrides: { role?: 'admin' | 'moderator'; displayName?: string; karma?: number } = {}) {
    const user = await makeUser(db, {
      ...(overrides.role ? { role: overrides.role } : {}),
      karma: overrides.karma ?? 3,
    });
    if (overrides.displayName) {
      await db.query('UPDATE users SET display_name = $2 WHERE id = $1', [user.id, overrides.displayName]);
    }
    const client = new TestClient(app);
    await client.logIn(user.username, user.password);
    return { user, client };
  }

  /** A reader who has voted the post up, through the page's form (as without JavaScript). */
  async function upvoter(postId: string, path: string) {
    const voter = await reader();
    const voted = await voter.client.post('/votes', {
      targetType: 'post',
      targetId: postId,
      kind: 'up',
      returnTo: path,
    });
    expect(voted.status).toBe(303);
    return voter;
  }

  /**
   * The page as a browser gets it (gzip, once the comment section is compressed for everyone) beside the same
   * page without compression, asked right after: both must be the same, and show the reader's name.
   */
  async function bothWays(client: TestClient, path: string): Promise<{ gzipped: string; plain: string }> {
    let gzipped = '';
    await eventually(async () => {
      const response = await client.get(path, asBrowser);
      expect(response.status).toBe(200);
      if (response.headers.get('content-encoding') !== 'gzip') return false;
      gzipped = gunzipSync(Buffer.from(await response.arrayBuffer())).toString();
      return true;
    });
    const plain = await (await client.get(path, { 'accept-encoding': 'identity' })).text();
    return { gzipped, plain };
  }

  /** The reader's marks the page carries for its script (comments/marks.ts). */
  function marksOf(page: string): ReaderMarks {
    return JSON.parse(/ data-reader-marks="([^"]*)"/.exec(page)![1]!.replaceAll('&quot;', '"')) as ReaderMarks;
  }

  async function busyPost(title = 'Framed for everyone') {
    const author = await makeUser(db, { karma: 20 });
    const post = await makePost(db, { authorId: author.id, title, markdown: 'The post, with $x^2$.' });
    for (let i = 0; i < 4; i++) await makeComment(db, { postId: post.id, markdown: `Answer ${i}.` });
    const authorClient = new TestClient(app);
    await authorClient.logIn(author.username, author.password);
    return { post, path: `/posts/${post.id}/${post.slug}`, author, authorClient };
  }

  it('is the page rendered for each reader alone, whatever the reader', async () => {
    const { post, path, authorClient } = await busyPost();
    await caches().settle();
    const before = { ...frameCounts };
    const first = await reader();
    const tricky = await reader({ displayName: `O'Brien & <Co> "Q" ✓`, karma: 12_345 });
    const notified = await reader();
    await db.query('UPDATE users SET unread_notification_count = 3, unseen_report_resolutions = 2 WHERE id = $1', [
      notified.user.id,
    ]);
    const admin = await reader({ role: 'admin' });
    const voter = await upvoter(post.id, path);
    const scripted = await reader();
    scripted.client.cookies.set(SCRIPT_COOKIE, '1');
    // A second reader whose page's script puts their votes in, with a vote on a comment to put.
    const scriptedVoter = await reader();
    scriptedVoter.client.cookies.set(SCRIPT_COOKIE, '1');
    const [answer] = await db.query<{ id: string }>(
      'SELECT id FROM comments WHERE post_id = $1 ORDER BY created_at LIMIT 1',
      [post.id],
    );
    await scriptedVoter.client.post('/votes', {
      targetType: 'comment',
      targetId: answer!.id,
      kind: 'up',
      returnTo: path,
    });
    await caches().settle();

    const readers = [
      { client: first.client, name: first.user.username },
      { client: tricky.client, name: 'O&#39;Brien &amp; &lt;Co&gt; &quot;Q&quot; ✓' },
      { client: notified.client, name: notified.user.username },
      { client: admin.client, name: admin.user.username },
      { client: voter.client, name: voter.user.username },
      { client: scripted.client, name: scripted.user.username, script: true },
      { client: scriptedVoter.client, name: scriptedVoter.user.username, script: true },
      { client: authorClient, name: undefined },
    ];
    // Where the page's script runs, the reader's marks go beside a compressed comment section for it to put in
    // (comments/marks.ts), and only there: the frame around the section must be the same.
    const frameOf = (page: string) =>
      page.replace(/ data-reader-marks="[^"]*"/, '').replace(/<div class="comment-tree"[\s\S]*<\/section>/, '');
    for (const { client, name, script } of readers) {
      // The first view records the visit; the views compared then show the same "new" marks.
      await client.get(path);
      for (const at of [path, `${path}?sort=top`]) {
        const { gzipped, plain } = await bothWays(client, at);
        if (script) expect(frameOf(gzipped)).toBe(frameOf(plain));
        else expect(gzipped).toBe(plain);
        if (name) expect(plain).toContain(`>${name}</a>`);
      }
    }
    const notifiedPage = (await bothWays(notified.client, path)).gzipped;
    expect(notifiedPage).toContain('(3 unread)');
    expect(notifiedPage).toContain('Your reports (2 resolved)');
    expect((await bothWays(authorClient, path)).gzipped).toContain(`href="/posts/${post.id}/edit"`);
    expect((await bothWays(voter.client, path)).gzipped).toMatch(/aria-label="Upvote" aria-pressed="true"/);
    expect((await bothWays(first.client, path)).gzipped).toMatch(/aria-label="Upvote" aria-pressed="false"/);
    const marks = (page: string) =>
      JSON.parse(/ data-reader-marks="([^"]*)"/.exec(page)![1]!.replaceAll('&quot;', '"')) as { votes: unknown[] };
    expect(marks((await bothWays(scripted.client, path)).gzipped).votes).toEqual([]);
    expect(JSON.stringify(marks((await bothWays(scriptedVoter.client, path)).gzipped).votes)).toContain(answer!.id);
    expect((await bothWays(first.client, path)).gzipped).not.toContain('data-reader-marks');
    // Frames were used, and none failed its check.
    expect(frameCounts.used - before.used).toBeGreaterThan(readers.length);
    expect(frameCounts.refused).toBe(before.refused);
    // Fewer frames than views: readers with the same choices share one.
    expect(frameCounts.made - before.made).toBeLessThan(frameCounts.used - before.used);
  });

  it("shows script readers a comment's new score after each vote, and a moderator their own controls", async () => {
    const { post, path } = await busyPost();
    const [answer] = await db.query<{ id: string }>(
      'SELECT id FROM comments WHERE post_id = $1 ORDER BY created_at LIMIT 1',
      [post.id],
    );
    const refusedBefore = frameCounts.refused;
    const scriptReaders = [await reader(), await reader(), await reader({ role: 'moderator' })];
    for (const { client } of scriptReaders) client.cookies.set(SCRIPT_COOKIE, '1');
    const moderator = scriptReaders[2]!;
    const karmaOf = (page: string) =>
      Number(new RegExp(`id="comment-${answer!.id}"[\\s\\S]*?title="Karma (-?\\d+), from`).exec(page)?.[1]);
    const withoutMarks = (page: string) => page.replace(/ data-reader-marks="[^"]*"/, '');
    // The scores the marks carry, put in as the page's script does (marks-client.ts): score and tooltip.
    const scored = (page: string) => {
      let out = page;
      for (const [id, karma, karmaVotes, agreement, agreementVotes] of marksOf(page).scores) {
        for (const [axis, score, count] of [
          ['karma', karma, karmaVotes],
          ['agreement', agreement, agreementVotes],
        ] as const) {
          out = out.replace(
            new RegExp(
              `(data-vote="${axis}" data-target="comment/${id}">[\\s\\S]*?<span class="vote-score" title=")[^"]*(" data-vote-score="true" aria-live="polite">)[^<]*`,
            ),
            `$1${scoreTitle(axis, score, count)}$2${score}`,
          );
        }
      }
      return out;
    };
    // The score of the answer each view's shared section shows, whatever the marks carry.
    const sectionScores: number[] = [];
    const views = async () => {
      const seen: number[] = [];
      for (const { client } of scriptReaders) {
        // Twice each: the post is busy, and its section comes in pieces every such reader shares.
        for (let i = 0; i < 2; i++) {
          const { gzipped, plain } = await bothWays(client, path);
          // The shared section shows the scores its tree's first such view found; the marks carry the rest.
          sectionScores.push(karmaOf(gzipped));
          // The moderator's controls come beside their section, for the script, not in it.
          if (client === moderator.client)
            expect(gzipped).not.toContain('Remove (moderator)</button></form></details></div>');
          else expect(withoutMarks(scored(gzipped))).toBe(withoutMarks(plain));
          seen.push(karmaOf(scored(gzipped)));
        }
      }
      return seen;
    };
    await caches().settle();
    const start = karmaOf((await bothWays(scriptReaders[0]!.client, path)).gzipped);
    expect(await views()).toEqual(Array(6).fill(start));
    // Each vote on the comment changes the score every reader is shown next, with nothing else changed.
    const stored = async () =>
      (await db.query<{ s: number }>('SELECT base_score AS s FROM comments WHERE id = $1', [answer!.id]))[0]!.s;
    let before = await stored();
    expect(before).toBe(start);
    for (const kind of ['up', 'down', 'down'] as const) {
      const voter = await reader();
      const voted = await voter.client.post('/votes', {
        targetType: 'comment',
        targetId: answer!.id,
        kind,
        returnTo: path,
      });
      expect(voted.status).toBe(303);
      await caches().settle();
      const now = await stored();
      expect(now).not.toBe(before);
      expect(await views()).toEqual(Array(6).fill(now));
      before = now;
    }
    // Votes left the pieces every such reader shares alone: they show the first score throughout.
    expect(new Set(sectionScores)).toEqual(new Set([start]));
    expect(marksOf((await bothWays(scriptReaders[1]!.client, path)).gzipped).scores).toEqual([
      [answer!.id, before, expect.any(Number), expect.any(Number), expect.any(Number)],
    ]);
    const moderated = await bothWays(moderator.client, path);
    expect(moderated.plain).toContain('Remove (moderator)</button></form></details></div>');
    const marks = JSON.parse(/ data-reader-marks="([^"]*)"/.exec(moderated.gzipped)![1]!.replaceAll('&quot;', '"'));
    expect(JSON.stringify(marks.added)).toContain('Remove (moderator)');
    expect((await bothWays(scriptReaders[0]!.client, path)).gzipped).not.toContain('Remove (moderator)');
    // The staff's pages are framed too, their moderation panel with them, and made again when the post changes.
    const used = frameCounts.used;
    expect((await bothWays(moderator.client, path)).gzipped).toContain('Lock comments');
    expect(frameCounts.used).toBeGreaterThan(used);
    const locked = await moderator.client.post(`/moderation/posts/${post.id}/lock`, { reason: 'Cooling off' });
    expect(locked.status).toBe(303);
    await caches().settle();
    for (let i = 0; i < 2; i++) {
      const { gzipped, plain } = await bothWays(moderator.client, path);
      expect(gzipped).toContain('Unlock comments');
      expect(gzipped).not.toContain('>Lock comments<');
      expect(withoutMarks(gzipped).replace(/<div class="comment-tree"[\s\S]*<\/section>/, '')).toBe(
        withoutMarks(plain).replace(/<div class="comment-tree"[\s\S]*<\/section>/, ''),
      );
    }
    expect(frameCounts.refused).toBe(refusedBefore);
  });

  it('counts and links new comments for a returning reader', async () => {
    const { post, path } = await busyPost();
    // Two readers back after the same new comments: the first one's page is rendered (a page seen once goes
    // without a frame), the second one's made from the frame the second view makes.
    const back = [await reader(), await reader()];
    for (const { client } of back) await client.get(path);
    await caches().settle();
    const writer = await reader();
    const newer = await makeComment(db, { postId: post.id, authorId: writer.user.id, markdown: 'A newer answer.' });
    await makeComment(db, { postId: post.id, markdown: 'The newest answer.' });
    await caches().settle();
    // The writer's views (their own comment's controls are theirs alone) make the new tree's segments ready for
    // readers with parts of their own, as the returning reader's "new" marks are.
    await bothWays(writer.client, path);
    // A returning reader's next view shows what is new since their last; it is then recorded, so only once.
    const used = frameCounts.used;
    const pages = [];
    for (const { client } of back) {
      const response = await client.get(path, asBrowser);
      expect(response.headers.get('content-encoding')).toBe('gzip');
      pages.push(gunzipSync(Buffer.from(await response.arrayBuffer())).toString());
    }
    expect(frameCounts.used).toBe(used + 1);
    for (const page of pages) {
      expect(page).toContain('6 comments');
      expect(page).toContain(`<a href="#comment-${newer.id}">2 new comments since your last visit</a>`);
      expect(page).toContain('The newest answer.');
    }
    // The same page but for the reader's own strings, framed or not.
    const own = (page: string, { user }: (typeof back)[number]) =>
      page.replaceAll(user.username, '~').replace(/value="[\w-]{43}"/g, '~');
    expect(own(pages[1]!, back[1]!)).toBe(own(pages[0]!, back[0]!));
  });

  it("holds each reader's tag list, with their votes and suggestions, until the post's tags change", async () => {
    const { post, path } = await busyPost();
    const other = await makePost(db);
    // Enough tags in use that "Add a tag" suggests more than a few, with names that need escaping.
    const tags = [];
    for (let i = 0; i < 14; i++) {
      const tag = await makeTag(db, { name: `Tradeoffs & <limits> "${i}" ✓` });
      await linkPost(db, other.id, tag.id);
      tags.push(tag);
    }
    await linkPost(db, post.id, tags[0]!.id);
    const voterOnTag = await taggerClient(app, db);
    await voteOnRelevance(db, {
      voterId: voterOnTag.user.id,
      postId: post.id,
      tagId: tags[0]!.id,
      kind: 'up',
      shown: null,
    });
    const tagger = await taggerClient(app, db);
    const plainMember = await reader();
    await caches().settle();
    const before = { ...frameCounts };
    for (const client of [tagger.client, voterOnTag.client, plainMember.client]) {
      await client.get(path);
      const { gzipped, plain } = await bothWays(client, path);
      expect(gzipped).toBe(plain);
    }
    const taggerPage = (await bothWays(tagger.client, path)).gzipped;
    expect(taggerPage).toContain('<option value="Tradeoffs &amp; &lt;limits&gt; &quot;13&quot; ✓"');
    expect(frameCounts.used).toBeGreaterThan(before.used);
    expect(frameCounts.refused).toBe(before.refused);

    // A tag put on the post leaves the suggestions: the next page has it in the list and not among them.
    await linkPost(db, post.id, tags[13]!.id);
    await caches().settle();
    const { gzipped, plain } = await bothWays(tagger.client, path);
    expect(gzipped).toBe(plain);
    expect(gzipped).not.toContain('<option value="Tradeoffs &amp; &lt;limits&gt; &quot;13&quot; ✓"');
  });

  it("splices in the post's body and frame made once, kept through comments and votes, new once the post is edited", async () => {
    const author = await makeUser(db);
    // Long enough to matter, with what the pipeline makes of math, code and non-Latin text.
    const paragraphs = Array.from({ length: 40 }, (_, i) => `Paragraph ${i}: ünïcode ✓, $e^{i\\pi} = -${i}$.`);
    const markdown = ['# Opening', ...paragraphs, '```ts\nconst x = "<b>";\n```'].join('\n\n');
    const post = await makePost(db, { authorId: author.id, title: 'Kept body', markdown });
    // Past one comment and one vote, so that the next of each changes no plural ("2 comments", "from 2 votes").
    await makeComment(db, { postId: post.id, markdown: 'A first answer.' });
    await makeComment(db, { postId: post.id, markdown: 'Another answer.' });
    const { client } = await reader();
    const path = `/posts/${post.id}/${post.slug}`;
    await upvoter(post.id, path);
    await caches().settle();
    await client.get(path);
    // Seen twice: a page seen once goes without a frame.
    await bothWays(client, path);
    const first = await bothWays(client, path);
    expect(first.gzipped).toBe(first.plain);
    expect(first.plain).toContain('Paragraph 39: ünïcode ✓');
    const kept = caches().fragments.peek(`post-body:${post.id}`);
    expect(kept).toBeDefined();

    // A comment changes the post's count and a vote its score: the body and the frame stay kept (no frame is
    // made again), and the page shows both.
    const made = frameCounts.made;
    await makeComment(db, { postId: post.id, markdown: 'A third answer.' });
    await upvoter(post.id, path);
    await caches().settle();
    const after = await bothWays(client, path);
    expect(after.gzipped).toBe(after.plain);
    expect(after.gzipped).toContain('A third answer.');
    expect(after.gzipped).toContain('3 comments');
    expect(frameCounts.made).toBe(made);
    const postScore = (page: string) => /<span class="vote-score" title="([^"]*)"/.exec(page)?.[1];
    expect(postScore(after.gzipped)).toBeDefined();
    expect(postScore(after.gzipped)).not.toBe(postScore(first.plain));
    expect(caches().fragments.peek(`post-body:${post.id}`)).toBe(kept);

    // An edit drops it: the next page shows the new text, and no line of the old.
    const edited = `${markdown.replace('Paragraph 7:', 'Paragraph seven, revised:')}\n\nA closing line.`;
    await savePost(db, actorOf(author), post.id, { title: 'Kept body', body: edited, note: '' }, 'save');
    await caches().settle();
    const revised = await bothWays(client, path);
    expect(revised.gzipped).toBe(revised.plain);
    expect(revised.gzipped).toContain('Paragraph seven, revised:');
    expect(revised.gzipped).toContain('A closing line.');
    expect(revised.gzipped).not.toContain('Paragraph 7:');
    expect(caches().fragments.peek(`post-body:${post.id}`)).not.toBe(kept);
  });

  it('is not used when a stand-in shows in the post itself, and the page is still right', async () => {
    const { path } = await busyPost('About ~csrf~~~~~~~~~~~~~ and ~username~~~~~~~~');
    await caches().settle();
    const before = { ...frameCounts };
    const someone = await reader();
    await someone.client.get(path);
    await bothWays(someone.client, path);
    const { gzipped, plain } = await bothWays(someone.client, path);
    expect(gzipped).toBe(plain);
    expect(gzipped).toContain('About ~csrf~~~~~~~~~~~~~ and ~username~~~~~~~~');
    expect(frameCounts.refused).toBeGreaterThan(before.refused);
    expect(frameCounts.used).toBe(before.used);
  });
});
