/**
 * Which rows everyone may see, as SQL fragments: the one place the rule is written. Every list, feed, search
 * and count asks for these. The text is exactly the predicate of the partial indexes (migrations 0008, 0015,
 * 0016), so the planner still proves a query's WHERE implies an index's and uses it; keep them in step.
 * (Who may see a draft, a pending or a removed item is policy.ts's question; these are the public rows.)
 */

function column(alias: string | undefined, name: string): string {
  return alias ? `${alias}.${name}` : name;
}

/** A post on the site: published (not a draft, not waiting for review) and not deleted or removed. */
export function visiblePost(alias?: string): string {
  return `${column(alias, 'status')} = 'published' AND ${column(alias, 'deleted_at')} IS NULL`;
}

/** A comment shown with its text: not deleted or removed (a deleted comment keeps its place as "[deleted]"). */
export function visibleComment(alias?: string): string {
  return `NOT ${column(alias, 'deleted')}`;
}

/** A tag in use: not deleted and not merged into another (whose slug then redirects there). */
export function liveTag(alias?: string): string {
  return `${column(alias, 'deleted_at')} IS NULL AND ${column(alias, 'merged_into_id')} IS NULL`;
}
