import sanitizeHtml, { type IOptions } from 'sanitize-html';
import type { Queryable } from '../db/database.js';
import { visibleComment, visiblePost } from '../policy/visibility.js';
import { linkedPostId } from './link-paths.js';

/** Where a link was written. */
export interface LinkSource {
  kind: 'post' | 'comment';
  id: string;
}

// Stored HTML is already sanitized; these passes only read or annotate it, so every tag and attribute stays as
// it is (a round trip through the same parser returns the same bytes).
const KEEP_EVERYTHING: IOptions = {
  allowedTags: false,
  allowedAttributes: false,
  allowVulnerableTags: true,
  parseStyleAttributes: false,
};

/** The ids of the posts that sanitized HTML links to, in order of first appearance. */
export function linkedPostIds(html: string, baseUrl?: string): string[] {
  // Most content links to no post at all; skip the parse.
  if (!html.includes('/posts/') && !html.includes('/s/')) return [];
  const ids = new Set<string>();
  sanitizeHtml(html, {
    ...KEEP_EVERYTHING,
    transformTags: {
      a: (tagName, attribs) => {
        const id = attribs.href ? linkedPostId(attribs.href, baseUrl) : undefined;
        if (id) ids.add(id);
        return { tagName, attribs };
      },
    },
  });
  return [...ids];
}

/** Gives links to the given posts a title attribute (the post's title) unless the writer chose one. */
export function addLinkTitles(html: string, titles: ReadonlyMap<string, string>, baseUrl?: string): string {
  if (titles.size === 0) return html;
  return sanitizeHtml(html, {
    ...KEEP_EVERYTHING,
    transformTags: {
      a: (tagName, attribs) => {
        const id = attribs.href ? linkedPostId(attribs.href, baseUrl) : undefined;
        const title = id ? titles.get(id) : undefined;
        return { tagName, attribs: title && !attribs.title ? { ...attribs, title } : attribs };
      },
    },
  });
}

/** The posts a source's sanitized HTML links to: a post linking to itself is not a reference. */
function linkTargets(source: LinkSource, html: string, baseUrl?: string): string[] {
  return linkedPostIds(html, baseUrl).filter((id) => source.kind !== 'post' || id !== source.id);
}

/**
 * Records the posts that a post's or comment's sanitized HTML links to (replacing what it linked to before)
 * and returns the HTML to store: links to published posts get the post's title as their title attribute, so
 * readers without JavaScript see it on hover. Call it inside the transaction that saves the source, with the
 * site's BASE_URL so absolute links to this site count too. Titles are those at saving time (render on write);
 * the JavaScript preview card always shows the current one.
 */
export async function recordPostLinks(
  tx: Queryable,
  source: LinkSource,
  html: string,
  baseUrl?: string,
): Promise<string> {
  const ids = linkTargets(source, html, baseUrl);
  await tx.query(
    'DELETE FROM post_links WHERE source_kind = $1 AND source_id = $2 AND NOT (target_post_id = ANY ($3::text[]))',
    [source.kind, source.id, ids],
  );
  if (ids.length === 0) return html;
  const targets = await tx.query<{ id: string; title: string; visible: boolean }>(
    `WITH target AS (
       SELECT id, title, (${visiblePost()}) AS visible FROM posts WHERE id = ANY ($3::text[])
     ), recorded AS (
       INSERT INTO post_links (source_kind, source_id, target_post_id)
       SELECT $1, $2, id FROM target
       ON CONFLICT DO NOTHING
     )
     SELECT id, title, visible FROM target`,
    [source.kind, source.id, ids],
  );
  // Drafts are linked (their backlinks appear once published) but their titles are not revealed.
  const titles = new Map(targets.filter((t) => t.visible).map((t) => [t.id, t.title]));
  return addLinkTitles(html, titles, baseUrl);
}

/**
 * The HTML recordPostLinks would store for this source, without recording anything: what re-rendering stored
 * content (src/rerender/) compares with the stored HTML before deciding to write.
 */
export async function titleLinks(db: Queryable, source: LinkSource, html: string, baseUrl?: string): Promise<string> {
  const ids = linkTargets(source, html, baseUrl);
  if (ids.length === 0) return html;
  const visible = await db.query<{ id: string; title: string }>(
    `SELECT id, title FROM posts WHERE id = ANY ($1::text[]) AND ${visiblePost()}`,
    [ids],
  );
  return addLinkTitles(html, new Map(visible.map((t) => [t.id, t.title])), baseUrl);
}

export interface Backlink {
  kind: 'post' | 'comment';
  /** The linking post, or the post the linking comment is on. */
  postId: string;
  postSlug: string;
  postTitle: string;
  commentId: string | null;
  authorUsername: string;
  authorDisplayName: string;
}

/** Published posts and live comments (on other posts) that link to a post, newest link first: one query. */
export async function backlinksOf(db: Queryable, postId: string, limit = 50): Promise<Backlink[]> {
  return db.query<Backlink>(
    `SELECT kind, "postId", "postSlug", "postTitle", "commentId", "authorUsername", "authorDisplayName"
       FROM (SELECT 'post' AS kind, p.id AS "postId", p.slug AS "postSlug", p.title AS "postTitle",
                    NULL::text AS "commentId", u.username AS "authorUsername",
                    u.display_name AS "authorDisplayName", l.created_at
               FROM post_links l
               JOIN posts p ON p.id = l.source_id
               JOIN users u ON u.id = p.author_id
              WHERE l.target_post_id = $1 AND l.source_kind = 'post'
                AND ${visiblePost('p')}
             UNION ALL
             SELECT 'comment', p.id, p.slug, p.title, c.id, u.username, u.display_name, l.created_at
               FROM post_links l
               JOIN comments c ON c.id = l.source_id
               JOIN posts p ON p.id = c.post_id
               JOIN users u ON u.id = c.author_id
              WHERE l.target_post_id = $1 AND l.source_kind = 'comment' AND ${visibleComment('c')} AND c.post_id <> $1
                AND ${visiblePost('p')}) links
      ORDER BY created_at DESC, "postId", "commentId"
      LIMIT $2`,
    [postId, limit],
    true,
  );
}
