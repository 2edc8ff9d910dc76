import { z } from 'zod';
import { Invalid, NotFound } from '../errors.js';
import { COMMENT_PAGE_BUDGET } from './paging.js';
import type { CommentRow } from './queries.js';

const pageParameter = z
  .string()
  .regex(/^[1-9]\d{0,5}$/, 'page must be a whole number from 1, like ?page=2.')
  .transform(Number)
  .optional();

/** The `page` query parameter of a discussion (1 when absent); a malformed one is refused, naming it. */
export function commentPageParameter(value: string | undefined): number {
  const parsed = pageParameter.safeParse(value);
  if (!parsed.success) {
    const message = parsed.error.issues[0]?.message ?? 'page is not valid.';
    throw new Invalid(message, { page: message });
  }
  return parsed.data ?? 1;
}

/** Refuses a page past the last of a discussion (the page list would otherwise show the last one twice). */
export function requireCommentPage(asked: number, pageCount: number): void {
  if (asked > pageCount) {
    throw new NotFound(
      `This discussion has ${pageCount} page${pageCount === 1 ? '' : 's'} of comments; there is no page ${asked}.`,
    );
  }
}

/**
 * Links between the pages of a long discussion. "More comments" appends the next page in place with JavaScript
 * (client/lists.ts, data-load-more) and is a plain link without it.
 */
export function CommentPager(props: {
  page: number;
  pageCount: number;
  href: (page: number) => string;
  noun: string;
  /** The `data-list` the next page's items are appended to with JavaScript; a plain link without. */
  appendTo?: string;
}) {
  const { page, pageCount } = props;
  if (pageCount <= 1) return null;
  return (
    <nav class="comment-pager load-more" aria-label={`Pages of ${props.noun}`}>
      {page > 1 ? <a href={props.href(page - 1)}>← Earlier {props.noun}</a> : null}{' '}
      <span class="muted">
        Page {page} of {pageCount}
      </span>{' '}
      {page < pageCount ? (
        <a href={props.href(page + 1)} data-load-more={props.appendTo} rel="next">
          More {props.noun} →
        </a>
      ) : null}
    </nav>
  );
}

/**
 * The comments a permalink page quotes above its comment: the nearest ones, while they fit in a third of a
 * page's budget (at least the parent). Earlier ones are a click away through the first quote's permalink.
 */
export function nearestAncestors(chain: CommentRow[]): { shown: CommentRow[]; omitted: number } {
  let used = 0;
  let from = chain.length;
  while (from > 0) {
    const weight = chain[from - 1]!.bodyLength;
    if (from < chain.length && used + weight > COMMENT_PAGE_BUDGET / 3) break;
    used += weight;
    from--;
  }
  return { shown: chain.slice(from), omitted: from };
}
