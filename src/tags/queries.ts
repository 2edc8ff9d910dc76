import type { Cursor } from '../db/cursor.js';
import type { Queryable } from '../db/database.js';
import type { PostListItem } from '../frontpage/queries.js';
import { liveTag, visiblePost } from '../policy/visibility.js';
import type { TagListSort, TagPostSort } from './validation.js';

/** A tag that is neither deleted nor merged into another. */
const LIVE = liveTag();

/** Every live tag by name (pickers, filters, search suggestions): tags_name_order_idx. */
export async function allTagsByName(db: Queryable): Promise<{ id: string; name: string; slug: string }[]> {
  return db.query<{ id: string; name: string; slug: string }>(
    `SELECT id, name, slug FROM tags WHERE ${LIVE} ORDER BY lower(name), id`,
  );
}

/** The most used live tags, shown alphabetically (tags_post_count_idx): what forms offer beside a typed name. */
export async function mostUsedTags(db: Queryable, limit: number): Promise<{ id: string; name: string }[]> {
  const rows = await db.query<{ id: string; name: string }>(
    `SELECT id, name FROM tags WHERE ${LIVE} ORDER BY post_count DESC, lower(name), id LIMIT $1`,
    [limit],
  );
  return rows.sort((a, b) => a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }));
}

/** A live tag's id by its name, however cased (tags_name_key). */
export async function tagIdByName(db: Queryable, name: string): Promise<string | undefined> {
  const [row] = await db.query<{ id: string }>(`SELECT id FROM tags WHERE lower(name) = lower($1) AND ${LIVE}`, [name]);
  return row?.id;
}

export interface TagRow {
  id: string;
  name: string;
  slug: string;
  descriptionMarkdown: string;
  descriptionHtml: string;
  descriptionExcerpt: string;
  createdAt: Date;
  updatedAt: Date;
  revisionCount: number;
  postCount: number;
  mergedIntoId: string | null;
  deletedAt: Date | null;
}

const TAG_COLUMNS = `t.id, t.name, t.slug, t.description_markdown AS "descriptionMarkdown",
  t.description_html AS "descriptionHtml", t.description_excerpt AS "descriptionExcerpt", t.created_at AS "createdAt",
  t.updated_at AS "updatedAt", t.revision_count AS "revisionCount", t.post_count AS "postCount",
  t.merged_into_id AS "mergedIntoId", t.deleted_at AS "deletedAt"`;

/** A tag found by an address: the row, whether the address is an old slug, and where a merged tag went. */
export interface TagAtSlug extends TagRow {
  /** The slug was the tag's before a rename (tag_old_slugs). */
  oldSlug: boolean;
  /** The current slug of the tag this one was merged into, if it was. */
  mergedIntoSlug: string | null;
}

/**
 * The tag a slug names, current slugs first, then old ones (tags_slug_key, tag_old_slugs' key), deleted and
 * merged tags included: the caller answers 404 or redirects.
 */
export async function tagAtSlug(db: Queryable, slug: string): Promise<TagAtSlug | undefined> {
  const rows = await db.query<TagAtSlug>(
    `WITH named AS (
       SELECT id AS tag_id, false AS old FROM tags WHERE slug = $1
       UNION ALL
       SELECT tag_id, true FROM tag_old_slugs WHERE slug = $1
     )
     SELECT ${TAG_COLUMNS}, named.old AS "oldSlug", m.slug AS "mergedIntoSlug"
       FROM named
       JOIN tags t ON t.id = named.tag_id
       LEFT JOIN tags m ON m.id = t.merged_into_id
      ORDER BY named.old
      LIMIT 1`,
    [slug],
  );
  return rows[0];
}

/** A live tag whose name is this one however cased (tags_name_key), other than `exceptId`. */
export async function tagNamed(
  db: Queryable,
  name: string,
  exceptId?: string,
): Promise<{ id: string; name: string; slug: string } | undefined> {
  const rows = await db.query<{ id: string; name: string; slug: string }>(
    `SELECT id, name, slug FROM tags WHERE lower(name) = lower($1) AND id IS DISTINCT FROM $2`,
    [name, exceptId ?? null],
  );
  return rows[0];
}

export interface TagListItem {
  id: string;
  name: string;
  slug: string;
  excerpt: string;
  /** The excerpt with its formulas typeset; '' when it has none. */
  excerptHtml: string;
  postCount: number;
}

/**
 * One page of /tags, continuing after `cursor` (whose id is the last tag shown): by post count
 * (tags_post_count_idx) or by name (tags_name_order_idx).
 */
export async function tagList(
  db: Queryable,
  sort: TagListSort,
  limit: number,
  cursor?: Cursor,
): Promise<TagListItem[]> {
  const params: unknown[] = [limit];
  let where = LIVE;
  if (cursor) {
    params.push(cursor.id);
    // The last tag's own name orders ties; it is read back by id, since a cursor carries no text.
    const last = '(SELECT lower(name) FROM tags WHERE id = $2)';
    if (sort === 'name') {
      where += ` AND (lower(name), id) > (${last}, $2)`;
    } else {
      params.push(Number(cursor.key));
      // "post_count <= $3" starts the index scan at the last tag's count; the rest orders that count's tags.
      where += ` AND post_count <= $3 AND (post_count < $3 OR (lower(name), id) > (${last}, $2))`;
    }
  }
  const order = sort === 'name' ? 'lower(name), id' : 'post_count DESC, lower(name), id';
  return db.query<TagListItem>(
    `SELECT id, name, slug, description_excerpt AS excerpt, description_excerpt_html AS "excerptHtml",
            post_count AS "postCount"
       FROM tags WHERE ${where} ORDER BY ${order} LIMIT $1`,
    params,
  );
}

/** A post on a tag's page: a frontpage list item with the link's relevance. */
export interface TagPostItem extends PostListItem {
  relevance: number;
}

/** The list name a tag page's cursor carries: each tag and order pages separately. */
export function tagPostListName(tagId: string, sort: TagPostSort): string {
  return `tag-${sort}-${tagId}`;
}

export function tagPostCursorKey(sort: TagPostSort, item: TagPostItem): string | number {
  if (sort === 'new') return item.publishedAt.toISOString();
  return sort === 'top' ? item.baseScore : item.relevance;
}

/**
 * One page of a tag's posts: links at relevance >= 0 to published, undeleted posts, continuing after `cursor`.
 * By relevance it walks post_tags_tag_relevance_idx; by newest and top it reads the tag's links and joins posts.
 */
export async function tagPosts(
  db: Queryable,
  tagId: string,
  sort: TagPostSort,
  limit: number,
  cursor?: Cursor,
): Promise<TagPostItem[]> {
  const params: unknown[] = [tagId, limit];
  let where = `pt.tag_id = $1 AND pt.relevance >= 0 AND ${visiblePost('p')}`;
  const order = {
    relevance: 'pt.relevance DESC, pt.post_id DESC',
    new: 'p.published_at DESC, p.id DESC',
    top: 'p.base_score DESC, p.id DESC',
  }[sort];
  if (cursor) {
    const key = sort === 'new' ? new Date(cursor.key) : Number(cursor.key);
    params.push(key, cursor.id);
    const column = { relevance: 'pt.relevance', new: 'p.published_at', top: 'p.base_score' }[sort];
    where += ` AND (${column}, ${sort === 'relevance' ? 'pt.post_id' : 'p.id'}) < ($3, $4)`;
  }
  return db.query<TagPostItem>(
    `SELECT p.id, p.slug, p.title, u.username AS "authorUsername", u.display_name AS "authorDisplayName",
            p.published_at AS "publishedAt", p.last_activity_at AS "lastActivityAt",
            p.comment_count AS "commentCount", p.base_score AS "baseScore", p.magic_score AS "magicScore",
            p.reading_minutes AS "readingMinutes", p.excerpt, p.excerpt_html AS "excerptHtml",
            pt.relevance
       FROM post_tags pt
       JOIN posts p ON p.id = pt.post_id
       JOIN users u ON u.id = p.author_id
      WHERE ${where}
      ORDER BY ${order}
      LIMIT $2`,
    params,
  );
}
