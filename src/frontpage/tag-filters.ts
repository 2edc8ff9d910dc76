import { createHash } from 'node:crypto';
import type { Queryable } from '../db/database.js';
import { Invalid } from '../errors.js';
import { liveTag } from '../policy/visibility.js';
import { mostUsedTags } from '../tags/queries.js';

/**
 * Frontpage tag filters, LessWrong's rules: a reader (or, for logged-out readers, the site) sets a mode per tag.
 * Hidden: posts with the tag are never listed. Required: only posts with the tag are listed (with several, only
 * posts with all of them). Reduced: in Magic order, the post's score is halved (once per reduced tag it has).
 * Subscribed: in Magic order, 25 is added to the post's karma in the formula (per subscribed tag it has).
 * A post has a tag when its link's relevance is at least 0. How these enter the query: tag-filter-queries.ts.
 */
export const FILTER_MODES = ['hidden', 'reduced', 'subscribed', 'required'] as const;
export type FilterMode = (typeof FILTER_MODES)[number];
/** What the form offers: the modes and "default", which removes the filter. */
export const FORM_MODES = ['hidden', 'reduced', 'default', 'subscribed', 'required'] as const;
export type FormMode = (typeof FORM_MODES)[number];
export const MODE_LABELS: Record<FormMode, string> = {
  hidden: 'Hidden',
  reduced: 'Reduced',
  default: 'Default',
  subscribed: 'Subscribed',
  required: 'Required',
};

/** Karma a Subscribed tag adds to a post in the Magic formula (LessWrong's value). */
export const SUBSCRIBED_KARMA = 25;
/** A Reduced tag's factor on a post's Magic score (LessWrong's value). */
export const REDUCED_FACTOR = 0.5;
/** Filters one reader may keep: bounds the list query and the chips. */
export const MAX_TAG_FILTERS = 50;

export interface TagFilter {
  tagId: string;
  name: string;
  slug: string;
  mode: FilterMode;
}

/** The filters as the list queries take them, with a key naming exactly this set (for caches and cursors). */
export interface FilterSet {
  hidden: string[];
  reduced: string[];
  subscribed: string[];
  required: string[];
  /** '' for no filters; otherwise a short hash of the sorted (mode, tag) pairs. */
  key: string;
}

export const NO_FILTERS: FilterSet = { hidden: [], reduced: [], subscribed: [], required: [], key: '' };

export function filterSet(filters: TagFilter[]): FilterSet {
  if (filters.length === 0) return NO_FILTERS;
  const set: FilterSet = { hidden: [], reduced: [], subscribed: [], required: [], key: '' };
  for (const f of filters) set[f.mode].push(f.tagId);
  for (const mode of FILTER_MODES) set[mode].sort();
  const canonical = FILTER_MODES.map((mode) => `${mode}=${set[mode].join(',')}`).join(';');
  set.key = createHash('sha256').update(canonical).digest('base64url').slice(0, 16);
  return set;
}

/** Whether the set changes scores (Magic then ranks by an adjusted score, not the stored one). */
export function adjustsScores(set: FilterSet): boolean {
  return set.reduced.length > 0 || set.subscribed.length > 0;
}

// Filters on a deleted or merged tag stop applying (a merge moves the links to the tag merged into).
const LIVE_TAG = liveTag('t');

/** A reader's filters, by tag name (one index range on the primary key). */
export async function userTagFilters(db: Queryable, userId: string): Promise<TagFilter[]> {
  return db.query<TagFilter>(
    `SELECT f.tag_id AS "tagId", t.name, t.slug, f.mode
       FROM user_tag_filters f JOIN tags t ON t.id = f.tag_id
      WHERE f.user_id = $1 AND ${LIVE_TAG}
      ORDER BY lower(t.name), t.id`,
    [userId],
  );
}

/** The site's defaults, which logged-out readers get. */
export async function siteTagFilters(db: Queryable): Promise<TagFilter[]> {
  return db.query<TagFilter>(
    `SELECT f.tag_id AS "tagId", t.name, t.slug, f.mode
       FROM site_tag_filters f JOIN tags t ON t.id = f.tag_id
      WHERE ${LIVE_TAG}
      ORDER BY lower(t.name), t.id`,
  );
}

export interface TagOption {
  id: string;
  name: string;
}

/** How many tags the frontpage's add-a-filter form offers; every tag's own page has the same control. */
export const OFFERED_TAGS = 100;

/**
 * Tags offered by the frontpage's add-a-filter form: the most used (tags_post_count_idx), shown alphabetically.
 * Not every tag: a forum's thousands would weigh on every logged-in frontpage; rarer ones are filtered from
 * their tag page.
 */
export function tagOptions(db: Queryable, limit = OFFERED_TAGS): Promise<TagOption[]> {
  return mostUsedTags(db, limit);
}

/**
 * Sets one of a reader's filters, or removes it ("default"). One transaction; the reader's row is locked so two
 * requests at once cannot both pass the MAX_TAG_FILTERS check.
 */
export async function setTagFilter(
  db: Queryable,
  input: { userId: string; tagId: string; mode: FormMode },
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('SELECT 1 FROM users WHERE id = $1 FOR UPDATE', [input.userId]);
    const [tag] = await tx.query(`SELECT 1 FROM tags t WHERE t.id = $1 AND ${LIVE_TAG}`, [input.tagId]);
    if (!tag) throw new Invalid('There is no such tag.', { tagId: 'tagId names no tag (it may have been deleted).' });
    if (input.mode === 'default') {
      await tx.query('DELETE FROM user_tag_filters WHERE user_id = $1 AND tag_id = $2', [input.userId, input.tagId]);
      return;
    }
    const [count] = await tx.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM user_tag_filters WHERE user_id = $1 AND tag_id <> $2',
      [input.userId, input.tagId],
    );
    if ((count?.n ?? 0) >= MAX_TAG_FILTERS) {
      throw new Invalid(`You can keep at most ${MAX_TAG_FILTERS} tag filters.`, {
        tagId: `At most ${MAX_TAG_FILTERS} tag filters; set one back to Default first.`,
      });
    }
    await tx.query(
      `INSERT INTO user_tag_filters (user_id, tag_id, mode) VALUES ($1, $2, $3)
       ON CONFLICT (user_id, tag_id) DO UPDATE SET mode = EXCLUDED.mode
       WHERE user_tag_filters.mode IS DISTINCT FROM EXCLUDED.mode`,
      [input.userId, input.tagId, input.mode],
    );
  });
}

/** A post aliased `p` has a link to the tag(s) in `param` that counts (relevance >= 0): a primary-key probe. */
function hasTag(param: string): string {
  return `EXISTS (SELECT 1 FROM post_tags pt WHERE pt.post_id = p.id AND pt.tag_id = ${param} AND pt.relevance >= 0)`;
}

/**
 * The Hidden and Required rules as SQL conditions on a post aliased `p`, appending their values to `params`.
 * '' for a set without them, so an unfiltered list's query is unchanged.
 */
export function tagConditions(set: FilterSet, params: unknown[]): string {
  let sql = '';
  if (set.hidden.length > 0) {
    params.push(set.hidden);
    sql += ` AND NOT ${hasTag(`ANY($${params.length}::text[])`)}`;
  }
  // One semi-join per required tag: the planner may start from the rarest tag's links.
  for (const tagId of set.required) {
    params.push(tagId);
    sql += ` AND ${hasTag(`$${params.length}`)}`;
  }
  return sql;
}

/** hasTag for the subscribed tags, whose values are in `param` (for the boosted candidates). */
export function hasAnyTag(param: string): string {
  return hasTag(`ANY(${param}::text[])`);
}
