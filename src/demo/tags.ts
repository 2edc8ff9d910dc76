import type { Queryable } from '../db/database.js';
import { actorFor } from '../policy/actor.js';
import { createTag } from '../tags/service.js';
import { votePower } from '../votes/power.js';

/**
 * The demo's tags: short wiki pages of our own writing, each applied to the demo posts it fits (by their keys in
 * content.ts). The first demo user, a moderator, creates them; each post's author applies them to their post.
 */
export interface DemoTag {
  name: string;
  /** Markdown. */
  description: string;
  postKeys: string[];
}

export const demoTags: DemoTag[] = [
  {
    name: 'Forecasting',
    description:
      'Putting numbers on what will happen, and keeping score afterwards. Posts here are about making forecasts, ' +
      'combining them and judging forecasters by their track record.',
    postKeys: ['proper-scoring-rules', 'calibration-and-resolution', 'pooling-forecasts', 'updating-on-weak-evidence'],
  },
  {
    name: 'Scoring rules',
    description:
      'Ways to grade a probabilistic forecast once the outcome is known, such as the Brier score ' +
      '$(p - o)^2$ and the log score $\\log p$. A rule is *proper* when reporting what you believe is your ' +
      'best strategy.',
    postKeys: ['proper-scoring-rules', 'calibration-and-resolution'],
  },
  {
    name: 'Bayesian reasoning',
    description:
      'Updating beliefs by the odds form of Bayes’ theorem: posterior odds are prior odds times the likelihood ' +
      'ratio $\\frac{P(E \\mid H)}{P(E \\mid \\neg H)}$. For posts that work through updates, priors and what ' +
      'counts as evidence.',
    postKeys: ['updating-on-weak-evidence', 'pooling-forecasts', 'napkin-bandit'],
  },
  {
    name: 'Statistics',
    description:
      'Estimating from data and saying how sure we are: regression, calibration curves, decompositions of ' +
      'error, and the ways a table of numbers can mislead.',
    postKeys: ['reading-a-regression-table', 'calibration-and-resolution', 'updating-on-weak-evidence'],
  },
  {
    name: 'Optimization',
    description:
      'Finding the best of many options, or the minimum of a function: gradient methods, convergence rates, ' +
      'and the trade-off between exploring and exploiting.',
    postKeys: ['gradient-descent-one-over-k', 'napkin-bandit'],
  },
  {
    name: 'Decision theory',
    description:
      'How to choose well under uncertainty: expected value, the value of information, and what happens when ' +
      'the thing you optimize is only a proxy for what you want.',
    postKeys: ['napkin-bandit', 'four-kinds-of-goodhart', 'proper-scoring-rules'],
  },
  {
    name: "Goodhart's law",
    description:
      '"When a measure becomes a target, it ceases to be a good measure." Posts about the ways optimizing a ' +
      'proxy drifts away from the goal it stood for.',
    postKeys: ['four-kinds-of-goodhart'],
  },
  {
    name: 'Proofs',
    description: 'Posts that prove something, in full or as a careful sketch, with the steps written out.',
    postKeys: ['gradient-descent-one-over-k'],
  },
];

/**
 * Creates the demo tags through the tag service (descriptions rendered, revision 1 stored) and applies them,
 * each link carrying its applier's own relevance vote, inside the demo loader's transaction.
 */
export async function loadDemoTags(
  tx: Queryable,
  postIdsByKey: ReadonlyMap<string, string>,
  creatorId: string,
): Promise<void> {
  const authors = await tx.query<{ postId: string; authorId: string; karma: number }>(
    `SELECT p.id AS "postId", p.author_id AS "authorId", u.karma
       FROM posts p JOIN users u ON u.id = p.author_id WHERE p.id = ANY($1::text[])`,
    [[...postIdsByKey.values()]],
  );
  const authorOf = new Map(authors.map((row) => [row.postId, row]));
  const creator = actorFor(creatorId, { role: 'moderator' });
  const links: [string, string, string, number][] = [];
  for (const demo of demoTags) {
    const { id } = await createTag(tx, creator, { name: demo.name, description: demo.description });
    for (const key of demo.postKeys) {
      const author = authorOf.get(postIdsByKey.get(key) ?? '');
      if (!author) throw new Error(`Demo tag names an unknown post: ${key}`);
      links.push([author.postId, id, author.authorId, votePower(author.karma, 'normal')]);
    }
  }
  // All links in two statements: first start stays quick.
  const column = (i: number) => links.map((link) => link[i]);
  await tx.query(
    `INSERT INTO post_tags (post_id, tag_id, applied_by, relevance, vote_count)
     SELECT * , 1 FROM unnest($1::text[], $2::text[], $3::text[], $4::int[])`,
    [column(0), column(1), column(2), column(3)],
  );
  await tx.query(
    `INSERT INTO post_tag_votes (post_id, tag_id, user_id, power)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[])`,
    [column(0), column(1), column(2), column(3)],
  );
}
