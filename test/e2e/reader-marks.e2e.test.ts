import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { castVote } from '../../src/votes/service.js';
import { makeComment, makePost, makeUser } from '../helpers/factories.js';
import { logInAs, useBrowserTest } from '../helpers/server.js';

const { db, server, browser } = useBrowserTest({ caching: true });

const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000);

/**
 * Makes a thread busy: someone else opens it more than once, so its section is prepared for splicing (the first
 * view after logging in may read around the caches, see cache/middleware.ts).
 */
async function makeBusy(path: string, someone: { username: string; password: string }) {
  const busy = await browser.newPage();
  await logInAs(busy, server.url, someone);
  for (let i = 0; i < 3; i++) await busy.goto(path);
  await busy.close();
}

// On a busy thread the page's script puts a reader's votes and "new" marks into the comment section, which is
// then made of pieces shared by every reader (comments/marks.ts). What the reader sees must be what the server
// shows a reader whose browser runs no script.
describe("a reader's marks on a busy thread", () => {
  it('are the same whether the script or the server puts them in', async () => {
    const post = await makePost(db, { title: 'Busy thread' });
    const others = await Promise.all([makeUser(db), makeUser(db)]);
    const comments: { id: string }[] = [];
    for (let i = 0; i < 12; i++) {
      const parentId: string | null = i % 3 === 2 ? comments[i - 1]!.id : null;
      comments.push(
        await makeComment(db, {
          postId: post.id,
          authorId: others[i % 2]!.id,
          parentId,
          markdown: `Comment ${i}, with $x_${i}$.`,
          at: hoursAgo(12 - i),
        }),
      );
    }
    // Two readers alike: the same votes, the same last visit (four hours ago: the last four comments are new).
    const readers = [await makeUser(db), await makeUser(db)];
    for (const reader of readers) {
      await db.query('UPDATE users SET karma = 100 WHERE id = $1', [reader.id]);
      await db.query(`INSERT INTO post_visits (user_id, post_id, last_visited_at) VALUES ($1, $2, $3)`, [
        reader.id,
        post.id,
        hoursAgo(4.5),
      ]);
      for (const [i, kind] of [
        [1, 'up'],
        [5, 'strongDown'],
        [10, 'agree'],
      ] as const) {
        const axis = kind === 'agree' ? 'agreement' : 'karma';
        await castVote(db, { voterId: reader.id, targetType: 'comment', targetId: comments[i]!.id, axis, kind });
      }
    }
    const path = `${server.url}/posts/${post.id}/busy-thread`;

    await makeBusy(path, others[0]!);

    const marksOf = async (page: Page) =>
      page.evaluate(() => ({
        pressed: [...document.querySelectorAll('#comments button[aria-pressed="true"]')].map((b) =>
          (b as HTMLButtonElement).value.split('/').slice(1, 3).join(' '),
        ),
        shownVotes: [...document.querySelectorAll<HTMLButtonElement>('#comments button[name="vote"]')]
          .map((b) => b.value)
          .filter((v) => !v.endsWith('/none'))
          .map((v) => v.split('/').slice(1).join(' ')),
        fresh: [...document.querySelectorAll('#comments article.comment-new')].map((a) => a.id),
        marks: [...document.querySelectorAll('#comments .new-mark')].map(
          (m) => m.closest('article')!.id + (m.parentElement!.classList.contains('comment-header') ? '' : ' misplaced'),
        ),
      }));

    const withScript = await browser.newPage();
    await logInAs(withScript, server.url, readers[0]!);
    await withScript.goto(path);
    // The marks came beside the section, for the script.
    await expect(withScript.locator('#comments').getAttribute('data-reader-marks')).resolves.toContain(comments[5]!.id);
    const scripted = await marksOf(withScript);

    const context = await browser.newContext({ javaScriptEnabled: false });
    const withoutScript = await context.newPage();
    await logInAs(withoutScript, server.url, readers[1]!);
    await withoutScript.goto(path);
    await expect(withoutScript.locator('#comments').getAttribute('data-reader-marks')).resolves.toBeNull();
    const served = await marksOf(withoutScript);

    expect(scripted).toEqual(served);
    const voted = (i: number, kind: string) => `${comments[i]!.id} ${kind}`;
    expect(served.pressed.sort()).toEqual([voted(1, 'up'), voted(5, 'strongDown'), voted(10, 'agree')].sort());
    expect(served.fresh.sort()).toEqual(
      comments
        .slice(8)
        .map((c) => `comment-${c.id}`)
        .sort(),
    );
    expect(served.marks.sort()).toEqual(served.fresh.sort());
    await withScript.close();
    await context.close();
  });

  it('show the scores votes changed since the section was shared, as the server does without the script', async () => {
    const post = await makePost(db, { title: 'Voted thread' });
    const [author, voter] = [await makeUser(db), await makeUser(db)];
    await db.query('UPDATE users SET karma = 100 WHERE id = $1', [voter.id]);
    const comments: { id: string }[] = [];
    for (let i = 0; i < 6; i++) {
      comments.push(
        await makeComment(db, { postId: post.id, authorId: author.id, markdown: `Claim ${i}.`, at: hoursAgo(6 - i) }),
      );
    }
    const path = `${server.url}/posts/${post.id}/voted-thread`;
    await makeBusy(path, author);
    const [withScript, withoutScript] = [await makeUser(db), await makeUser(db)];
    const scripted = await browser.newPage();
    await logInAs(scripted, server.url, withScript);
    await scripted.goto(path);
    await scripted.goto(path);

    // Votes by someone else after the section's pieces were made for every reader.
    await castVote(db, {
      voterId: voter.id,
      targetType: 'comment',
      targetId: comments[1]!.id,
      axis: 'karma',
      kind: 'strongUp',
    });
    await castVote(db, {
      voterId: voter.id,
      targetType: 'comment',
      targetId: comments[4]!.id,
      axis: 'agreement',
      kind: 'disagree',
    });
    const scoresOf = async (page: Page) =>
      page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('#comments [data-vote-score]')].map(
          (score) => `${score.closest('article')!.id} ${score.textContent} (${score.title})`,
        ),
      );
    const context = await browser.newContext({ javaScriptEnabled: false });
    const plain = await context.newPage();
    await logInAs(plain, server.url, withoutScript);
    // The votes reach the server's caches through the change feed.
    let served: string[] = [];
    for (let tries = 0; tries < 50; tries++) {
      await plain.goto(path);
      served = await scoresOf(plain);
      if (served.some((s) => s.startsWith(`comment-${comments[4]!.id} -1 `))) break;
      await plain.waitForTimeout(100);
    }
    const [stored] = await db.query<{ score: number; votes: number }>(
      'SELECT base_score AS score, vote_count AS votes FROM comments WHERE id = $1',
      [comments[1]!.id],
    );
    expect(stored!.votes).toBe(2);
    expect(served).toContain(`comment-${comments[1]!.id} ${stored!.score} (Karma ${stored!.score}, from 2 votes)`);
    expect(served).toContain(`comment-${comments[4]!.id} -1 (Agreement -1, from 1 vote)`);

    await scripted.goto(path);
    // The section is every reader's, unchanged by the votes: the changed scores come beside it for the script.
    const marks = JSON.parse((await scripted.locator('#comments').getAttribute('data-reader-marks'))!) as {
      scores: [string][];
    };
    expect(marks.scores.map(([id]) => id).sort()).toEqual([comments[1]!.id, comments[4]!.id].sort());
    expect(await scoresOf(scripted)).toEqual(served);
    await scripted.close();
    await context.close();
  });

  it('give a writer the controls under their own comments, as the server does without the script', async () => {
    const post = await makePost(db, { title: 'Argued thread' });
    const [writer, other] = [await makeUser(db), await makeUser(db)];
    const comments: { id: string }[] = [];
    for (let i = 0; i < 9; i++) {
      const parentId: string | null = i % 3 === 0 ? null : comments[i - 1]!.id;
      comments.push(
        await makeComment(db, {
          postId: post.id,
          authorId: i % 2 === 0 ? writer.id : other.id,
          parentId,
          markdown: `Point ${i}.`,
          at: hoursAgo(10 - i),
        }),
      );
    }
    const own = comments.filter((_, i) => i % 2 === 0).map((c) => `comment-${c.id}`);
    const path = `${server.url}/posts/${post.id}/argued-thread`;
    await makeBusy(path, other);

    // What each comment offers the reader (the CSRF token in a form is their session's: left out).
    const controlsOf = async (page: Page) =>
      page.evaluate(() =>
        [...document.querySelectorAll('#comments article.comment')].map((article) => {
          const actions = article.querySelector(':scope > details > .comment-actions')!;
          return {
            id: article.id,
            links: [...actions.querySelectorAll(':scope > a, :scope > form button, :scope > details summary')].map(
              (a) => a.textContent,
            ),
            voting: [...actions.querySelectorAll<HTMLButtonElement>('button[name="vote"]')].map((b) => b.disabled),
            html: actions.outerHTML.replace(/name="_csrf" value="[^"]*"/g, ''),
          };
        }),
      );

    const withScript = await browser.newPage();
    await logInAs(withScript, server.url, writer);
    await withScript.goto(path);
    await withScript.goto(path);
    // The section is every reader's; the writer's controls came beside it.
    const marks = JSON.parse((await withScript.locator('#comments').getAttribute('data-reader-marks'))!);
    expect(marks.own.map(([id]: [string]) => `comment-${id}`).sort()).toEqual([...own].sort());
    const scripted = await controlsOf(withScript);

    const context = await browser.newContext({ javaScriptEnabled: false });
    const withoutScript = await context.newPage();
    await logInAs(withoutScript, server.url, writer);
    await withoutScript.goto(path);
    await expect(withoutScript.locator('#comments').getAttribute('data-reader-marks')).resolves.toBeNull();
    const served = await controlsOf(withoutScript);

    expect(scripted).toEqual(served);
    for (const comment of served) {
      if (own.includes(comment.id)) {
        expect(comment.links).toEqual(expect.arrayContaining(['Edit', 'Retract', 'Delete…']));
        expect(comment.links).not.toContain('Report');
        expect(comment.voting.every((disabled) => disabled)).toBe(true);
      } else {
        expect(comment.links).toContain('Report');
        expect(comment.links).not.toContain('Edit');
        expect(comment.voting.some((disabled) => disabled)).toBe(false);
      }
    }
    // The controls the script put in work: retracting one of their comments.
    const first = withScript.locator(`#${own[0]}`);
    await first.locator(':scope > details > .comment-actions').getByRole('button', { name: 'Retract' }).click();
    await withScript.locator(`#${own[0]} .retracted-mark`).waitFor();
    const unretract = withScript.locator(`#${own[0]} > details > .comment-actions`).getByRole('button', {
      name: 'Unretract',
    });
    await unretract.waitFor();
    expect(await unretract.count()).toBe(1);
    await withScript.close();
    await context.close();
  });
  it("give a moderator their controls under every comment, and a removed comment's restore form, as without the script", async () => {
    const post = await makePost(db, { title: 'Moderated thread' });
    const [writer, other] = [await makeUser(db), await makeUser(db)];
    const moderator = await makeUser(db, { role: 'moderator' });
    const comments: { id: string }[] = [];
    for (let i = 0; i < 8; i++) {
      const parentId: string | null = i % 2 === 0 ? null : comments[i - 1]!.id;
      const authorId = i === 5 ? moderator.id : i % 2 === 0 ? writer.id : other.id;
      comments.push(
        await makeComment(db, { postId: post.id, authorId, parentId, markdown: `Point ${i}.`, at: hoursAgo(9 - i) }),
      );
    }
    // Removed by a moderator and deleted by its author, each kept in place for its reply.
    await db.query(`UPDATE comments SET deleted = true, removed_reason = 'Off topic' WHERE id = $1`, [comments[2]!.id]);
    await db.query('UPDATE comments SET deleted = true WHERE id = $1', [comments[6]!.id]);
    const path = `${server.url}/posts/${post.id}/moderated-thread`;
    await makeBusy(path, other);

    // What each comment offers the moderator (the CSRF token in a form is their session's: left out).
    const controlsOf = async (page: Page) =>
      page.evaluate(() =>
        [...document.querySelectorAll('#comments article.comment')].map((article) => {
          const part = (selector: string) =>
            article.querySelector(selector)?.outerHTML.replace(/name="_csrf" value="[^"]*"/g, '') ?? null;
          return {
            id: article.id,
            actions: part(':scope > details > .comment-actions'),
            restore: part(':scope > details > .moderation-restore'),
          };
        }),
      );

    const withScript = await browser.newPage();
    await logInAs(withScript, server.url, moderator);
    await withScript.goto(path);
    await withScript.goto(path);
    const marks = JSON.parse((await withScript.locator('#comments').getAttribute('data-reader-marks'))!);
    expect(JSON.stringify(marks.added)).toContain('Remove (moderator)');
    const scripted = await controlsOf(withScript);

    const context = await browser.newContext({ javaScriptEnabled: false });
    const withoutScript = await context.newPage();
    await logInAs(withoutScript, server.url, moderator);
    await withoutScript.goto(path);
    await expect(withoutScript.locator('#comments').getAttribute('data-reader-marks')).resolves.toBeNull();
    const served = await controlsOf(withoutScript);

    expect(scripted).toEqual(served);
    const byId = (i: number) => served.find((comment) => comment.id === `comment-${comments[i]!.id}`)!;
    expect(byId(2).restore).toContain('Restore (moderator)');
    expect(byId(0).actions).toContain('Remove (moderator)');
    expect(byId(5).actions).toContain('Edit');
    expect(served.filter((comment) => comment.restore)).toHaveLength(1);
    // The controls the script put in work: removing a comment with a reason.
    const target = withScript.locator(`#comment-${comments[4]!.id} > details > .comment-actions`);
    await target.getByText('Remove…').click();
    await target.getByLabel('Reason').fill('Spam');
    await target.getByRole('button', { name: 'Remove (moderator)' }).click();
    await withScript.locator(`#comment-${comments[4]!.id} .removed-note`).waitFor();
    await withScript.close();
    await context.close();
  });
});
