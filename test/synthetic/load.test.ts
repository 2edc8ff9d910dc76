import { beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../src/accounts/passwords.js';
import { type LoadOptions, loadSyntheticForum, SyntheticLoadError } from '../../src/synthetic/load.js';
import { loadSyntheticTags } from '../../src/synthetic/load-tags.js';
import { postMagicScoreSql } from '../../src/votes/ranking.js';
import { recountVotes } from '../../src/votes/recount.js';
import { useTestDatabase } from '../helpers/app.js';

const { db } = useTestDatabase();
beforeAll(async () => {}, 60_000);

const tiny: LoadOptions = {
  sizes: { users: 40, posts: 80, comments: 1_200, votes: 3_000, sequences: 4, tags: 12 },
  seed: 3,
  pool: { posts: 10, comments: 30, bios: 5, descriptions: 3 },
  analyze: false,
};

async function counts() {
  const [row] = await db.query<{
    [table in 'users' | 'posts' | 'comments' | 'votes' | 'sequences' | 'visits']: number;
  }>(
    `SELECT (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM posts)::int AS posts,
            (SELECT count(*) FROM comments)::int AS comments, (SELECT count(*) FROM votes)::int AS votes,
            (SELECT count(*) FROM sequences)::int AS sequences, (SELECT count(*) FROM post_visits)::int AS visits`,
  );
  return row!;
}

/** Tags whose post_count is not their links at relevance >= 0 to visible posts; links not their votes' sums. */
async function tagProblems() {
  const [row] = await db.query(
    `SELECT (SELECT count(*) FROM tags)::int AS tags, (SELECT count(*) FROM post_tags)::int AS links,
            (SELECT count(*) FROM tags t WHERE t.post_count <> (
               SELECT count(*) FROM post_tags pt JOIN posts p ON p.id = pt.post_id
                WHERE pt.tag_id = t.id AND pt.relevance >= 0 AND p.status = 'published' AND p.deleted_at IS NULL))::int
              AS "badCounts",
            (SELECT count(*) FROM post_tags pt
              CROSS JOIN LATERAL (SELECT coalesce(sum(v.power), 0)::int AS relevance, count(*)::int AS n
                                    FROM post_tag_votes v WHERE v.post_id = pt.post_id AND v.tag_id = pt.tag_id) v
              WHERE (pt.relevance, pt.vote_count) IS DISTINCT FROM (v.relevance, v.n))::int AS "badLinks"`,
  );
  return row;
}

describe('loading a generated forum', () => {
  it('refuses a load that fails midway and keeps nothing of it', async () => {
    const failing = loadSyntheticForum(db, {
      ...tiny,
      onPhase: (phase) => {
        if (phase === 'votes') throw new Error('disk full (simulated)');
      },
    });
    await expect(failing).rejects.toThrow('disk full (simulated)');
    expect(await counts()).toEqual({ users: 0, posts: 0, comments: 0, votes: 0, sequences: 0, visits: 0 });
  });

  it('loads rows whose counters recountVotes and the sequence totals confirm', async () => {
    const report = await loadSyntheticForum(db, tiny);
    expect(report.rows.comments).toBe(1_200);
    expect(report.rows.votes).toBe(3_000 + 80 + 1_200);
    expect(await recountVotes(db)).toEqual([]);
    const wrongCounts = await db.query(
      `SELECT p.id FROM posts p
        WHERE comment_count <> (SELECT count(*) FROM comments c WHERE c.post_id = p.id AND NOT c.deleted)`,
    );
    expect(wrongCounts).toEqual([]);
    const before = await db.query<{ id: string; postCount: number; karma: number }>(
      'SELECT id, post_count AS "postCount", karma FROM sequences ORDER BY id',
    );
    await db.query('SELECT refresh_sequence_totals(ARRAY(SELECT id FROM sequences))');
    expect(await db.query('SELECT id, post_count AS "postCount", karma FROM sequences ORDER BY id')).toEqual(before);
    expect(before.some((s) => s.postCount > 0)).toBe(true);
  });

  it('stores magic scores by the ranking formula, for published posts only', async () => {
    const [row] = await db.query<{ drafts: number; off: number }>(
      `SELECT count(*) FILTER (WHERE status = 'draft' AND magic_score IS NOT NULL)::int AS drafts,
              count(*) FILTER (WHERE status = 'published' AND (magic_score IS NULL OR
                abs(magic_score - ${postMagicScoreSql()}) > 1e-3 * abs(magic_score) + 1e-9))::int AS off
         FROM posts p`,
    );
    expect(row).toEqual({ drafts: 0, off: 0 });
  });

  it('loads tags whose post counts, relevance and vote counts are what their rows say', async () => {
    expect(await tagProblems()).toEqual({ tags: 12, links: expect.any(Number), badCounts: 0, badLinks: 0 });
    const [described] = await db.query<{ html: number; revisions: number }>(
      `SELECT count(*) FILTER (WHERE description_html LIKE '<p><strong>%')::int AS html,
              (SELECT count(*) FROM tag_revisions WHERE number = 1)::int AS revisions FROM tags`,
    );
    expect(described).toEqual({ html: 12, revisions: 12 });
  });

  it('adds tags to a forum without them, the same for a seed, and refuses a forum that has tags', async () => {
    await expect(loadSyntheticTags(db, { seed: 5, analyze: false })).rejects.toThrow(/already has 12 tags/);
    const links = () =>
      db.query(
        `SELECT pt.post_id, t.name, t.slug, t.post_count, pt.relevance, pt.vote_count, pt.applied_by
           FROM post_tags pt JOIN tags t ON t.id = pt.tag_id ORDER BY pt.post_id, t.name`,
      );
    const dropTags = () =>
      db.exec('DELETE FROM post_tag_votes; DELETE FROM post_tags; DELETE FROM tag_revisions; DELETE FROM tags');
    await dropTags();
    const report = await loadSyntheticTags(db, { seed: 5, tags: 9, analyze: false });
    expect(report.rows).toMatchObject({ tags: 9, tag_revisions: 9, post_tags: report.stats.links });
    expect(await tagProblems()).toMatchObject({ tags: 9, badCounts: 0, badLinks: 0 });
    const first = await links();
    await dropTags();
    await loadSyntheticTags(db, { seed: 5, tags: 9, analyze: false });
    expect(await links()).toEqual(first);
  });

  it('lets every generated user log in with the one password it reports', async () => {
    const [user] = await db.query<{ hash: string }>('SELECT password_hash AS hash FROM users LIMIT 1');
    const report = await loadSyntheticForum(db, { ...tiny, append: true, password: 'open sesame' });
    const [appended] = await db.query<{ hash: string }>(
      'SELECT password_hash AS hash FROM users WHERE password_hash <> $1 LIMIT 1',
      [user!.hash],
    );
    expect(await verifyPassword('open sesame', appended!.hash)).toBe(true);
    expect(report.password).toBe('open sesame');
  });

  it('appends with --append, keeping everything consistent, and refuses a non-empty database without it', async () => {
    const before = await counts();
    expect(before.users).toBe(80);
    await expect(loadSyntheticForum(db, tiny)).rejects.toThrow(SyntheticLoadError);
    await expect(loadSyntheticForum(db, tiny)).rejects.toThrow(/not empty .*--append/);
    expect(await counts()).toEqual(before);
    await loadSyntheticForum(db, { ...tiny, append: true });
    expect((await counts()).comments).toBe(before.comments + 1_200);
    expect(await recountVotes(db)).toEqual([]);
    expect(await tagProblems()).toMatchObject({ badCounts: 0, badLinks: 0 });
  });
});
