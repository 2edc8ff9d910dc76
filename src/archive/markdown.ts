import type { Queryable } from '../db/database.js';

/**
 * Every post, revision and comment as a Markdown file with front matter, so an archive is readable (and greppable)
 * without Lyceum: markdown/posts/<id>-<slug>.md, …/<id>-<slug>/revisions/<n>.md, …/<id>-<slug>/comments/<id>.md.
 * Front matter values are JSON, which YAML reads as it is.
 */

export interface MarkdownFile {
  name: string;
  text: string;
  date: Date;
}

const PAGE = 500;

function frontMatter(fields: Record<string, unknown>, body: string): string {
  const lines = Object.entries(fields)
    .filter(([, value]) => value !== null && value !== undefined && value !== '')
    .map(([key, value]) => `${key}: ${JSON.stringify(value instanceof Date ? value.toISOString() : value)}`);
  return `---\n${lines.join('\n')}\n---\n\n${body.endsWith('\n') ? body : `${body}\n`}`;
}

/** A slug safe as a file name on every system (slugs already are; this guards old or odd ones). */
function fileSafe(slug: string): string {
  return slug.replace(/[^\w-]+/g, '-').slice(0, 80) || 'post';
}

async function* pages<Row extends { id: string }>(db: Queryable, sql: (where: string) => string): AsyncGenerator<Row> {
  let after = '';
  for (;;) {
    const rows = await db.query<Row>(sql(after ? 'WHERE x.id > $1' : ''), after ? [after, PAGE] : [PAGE]);
    yield* rows;
    if (rows.length < PAGE) return;
    after = rows.at(-1)!.id;
  }
}

interface PostRow {
  id: string;
  slug: string;
  title: string;
  author: string;
  status: string;
  createdAt: Date;
  publishedAt: Date | null;
  deleted: boolean;
  tags: string[] | null;
  markdown: string;
}

interface RevisionRow {
  id: string;
  postId: string;
  slug: string;
  number: number;
  title: string;
  note: string;
  createdAt: Date;
  markdown: string;
}

interface CommentRow {
  id: string;
  postId: string;
  slug: string;
  parentId: string | null;
  author: string;
  createdAt: Date;
  editedAt: Date | null;
  retracted: boolean;
  deleted: boolean;
  markdown: string;
}

export async function* markdownFiles(db: Queryable): AsyncGenerator<MarkdownFile> {
  const limit = (where: string) => `${where} ORDER BY x.id LIMIT $${where ? 2 : 1}`;
  for await (const post of pages<PostRow>(
    db,
    (where) => `SELECT x.id, x.slug, x.title, u.username AS author, x.status, x.created_at AS "createdAt",
                       x.published_at AS "publishedAt", x.deleted_at IS NOT NULL AS deleted,
                       (SELECT array_agg(t.name ORDER BY t.name) FROM post_tags pt JOIN tags t ON t.id = pt.tag_id
                         WHERE pt.post_id = x.id AND pt.relevance >= 0) AS tags,
                       x.body_markdown AS markdown
                  FROM posts x JOIN users u ON u.id = x.author_id ${limit(where)}`,
  )) {
    yield {
      name: `markdown/posts/${post.id}-${fileSafe(post.slug)}.md`,
      date: post.publishedAt ?? post.createdAt,
      text: frontMatter(
        {
          id: post.id,
          title: post.title,
          author: post.author,
          status: post.status,
          deleted: post.deleted || undefined,
          created: post.createdAt,
          published: post.publishedAt,
          tags: post.tags ?? undefined,
        },
        post.markdown,
      ),
    };
  }
  for await (const revision of pages<RevisionRow>(
    db,
    (where) => `SELECT x.id, x.post_id AS "postId", p.slug, x.number, x.title, x.note, x.created_at AS "createdAt",
                       x.body_markdown AS markdown
                  FROM post_revisions x JOIN posts p ON p.id = x.post_id ${limit(where)}`,
  )) {
    yield {
      name: `markdown/posts/${revision.postId}-${fileSafe(revision.slug)}/revisions/${revision.number}.md`,
      date: revision.createdAt,
      text: frontMatter(
        {
          post: revision.postId,
          revision: revision.number,
          title: revision.title,
          note: revision.note,
          created: revision.createdAt,
        },
        revision.markdown,
      ),
    };
  }
  for await (const comment of pages<CommentRow>(
    db,
    (where) => `SELECT x.id, x.post_id AS "postId", p.slug, x.parent_id AS "parentId", u.username AS author,
                       x.created_at AS "createdAt", x.edited_at AS "editedAt", x.retracted, x.deleted,
                       x.body_markdown AS markdown
                  FROM comments x JOIN posts p ON p.id = x.post_id JOIN users u ON u.id = x.author_id ${limit(where)}`,
  )) {
    yield {
      name: `markdown/posts/${comment.postId}-${fileSafe(comment.slug)}/comments/${comment.id}.md`,
      date: comment.createdAt,
      text: frontMatter(
        {
          id: comment.id,
          post: comment.postId,
          parent: comment.parentId,
          author: comment.author,
          created: comment.createdAt,
          edited: comment.editedAt,
          retracted: comment.retracted || undefined,
          deleted: comment.deleted || undefined,
        },
        comment.markdown,
      ),
    };
  }
}
