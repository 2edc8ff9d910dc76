import { describe, expect, it } from 'vitest';
import { castVote } from '../../src/votes/service.js';
import { useTestDatabase } from '../helpers/app.js';
import { makeComment, makePost, makeUser } from '../helpers/factories.js';

const { db } = useTestDatabase();

/** Each user's heap page (the block of their row's ctid), and how many rows each page holds. */
async function usersPages(): Promise<{ pageOf: Map<string, number>; rows: Map<number, number> }> {
  const found = await db.query<{ id: string; block: number }>(
    'SELECT id, (ctid::text::point)[0]::int AS block FROM users',
  );
  const rows = new Map<number, number>();
  for (const { block } of found) rows.set(block, (rows.get(block) ?? 0) + 1);
  return { pageOf: new Map(found.map((row) => [row.id, row.block])), rows };
}

// A vote rewrites its target's author's row (karma). Kept on its page, the rewrite touches no index (a HOT update);
// moved to another page, it adds an entry to every index of users, two GIN indexes among them (migration 0029).
describe('room for karma on full pages', () => {
  it('keeps an author on their page as their karma changes, however many users were written after them', async () => {
    const author = await makeUser(db);
    const post = await makePost(db, { authorId: author.id, title: 'Voted on' });
    const comment = await makeComment(db, { postId: post.id, authorId: author.id });
    // Enough users after them to fill the author's page as full as the table lets it be written.
    const voters = [];
    for (let i = 0; i < 150; i++) voters.push(await makeUser(db));
    const before = await usersPages();
    const page = before.pageOf.get(author.id)!;
    // The page was written full (to the fill factor): later users went on to other pages.
    expect(before.rows.size).toBeGreaterThan(1);
    // A few votes: room for their versions without waiting for the old ones to be pruned (which a transaction
    // open elsewhere can hold back).
    for (const [i, voter] of voters.slice(0, 4).entries()) {
      await castVote(db, {
        voterId: voter.id,
        targetType: i % 2 ? 'post' : 'comment',
        targetId: i % 2 ? post.id : comment.id,
        axis: 'karma',
        kind: 'up',
      });
    }
    const [{ karma } = { karma: 0 }] = await db.query<{ karma: number }>('SELECT karma FROM users WHERE id = $1', [
      author.id,
    ]);
    expect(karma).toBeGreaterThanOrEqual(4);
    expect((await usersPages()).pageOf.get(author.id)).toBe(page);
  });
});
