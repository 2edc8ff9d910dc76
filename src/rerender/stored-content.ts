import type { RenderPool } from '../content/pool.js';
import type { LinkSource } from '../sequences/links.js';

/** What re-rendering needs of the render pool (tests wrap a real pool to act between render and write). */
export type Renderer = Pick<RenderPool, 'render' | 'renderHtml' | 'diffRevisions' | 'options'>;

/**
 * How a rendered column is compared with the stored one. `html` columns are read as their md5, so a batch of
 * long posts does not bring megabytes of old HTML to the command only to compare it.
 */
export type ColumnKind = 'html' | 'text' | 'int' | 'json';

export type RenderedValues = Record<string, string | number | unknown[]>;

/** One kind of stored content: a table holding Markdown and what saving renders from it. */
export interface StoredContent {
  table:
    | 'posts'
    | 'post_revisions'
    | 'comments'
    | 'comment_revisions'
    | 'sequences'
    | 'tags'
    | 'tag_revisions'
    | 'users';
  /** How progress and the summary name it. */
  label: string;
  /** The column holding the Markdown. */
  source: string;
  /** The columns a save renders from the Markdown, in the order `render` returns them; the first is the HTML. */
  columns: Record<string, ColumnKind>;
  /** SQL (over alias t) for the render's docId, as the saving service passes it; null: the Markdown's hash. */
  docId: string | null;
  /** Rows that have no rendering to keep current (SQL over alias t). */
  where?: string;
  /**
   * Links to posts in the HTML get titles as recordPostLinks gives them (the source is the row's docId);
   * `record`: the row is what links are recorded for, so a rewrite records them again as a save does.
   */
  links?: { kind: LinkSource['kind']; record: boolean };
  /** The cache tag to announce for a rewritten row, where no trigger on the table announces it. */
  notify?: (docId: string) => string;
  /** Its text's @mentions are links (posts, comments and their revisions): the members who exist are looked up. */
  mentions?: true;
  /** The row's Markdown through the current pipeline, as the saving service renders it. */
  render(pool: Renderer, markdown: string, docId: string | undefined, mentions?: string[]): Promise<RenderedValues>;
}

const html = (pool: Renderer, markdown: string, docId: string | undefined, field = 'body', mentions?: string[]) =>
  pool.renderHtml(markdown, { docId, field, ...(mentions ? { mentions } : {}) });

// Each entry mirrors the service that saves the table: posts/service.ts (posts and their revisions; authors'
// guidelines, moderation/guidelines.ts),
// comments/service.ts (comments; an edit keeps the replaced text and HTML as a revision), sequences/service.ts,
// tags/service.ts (descriptions and their revisions) and users/routes.tsx (bios).
export const STORED_CONTENT: readonly StoredContent[] = [
  {
    table: 'posts',
    label: 'posts',
    source: 'body_markdown',
    columns: {
      body_html: 'html',
      excerpt: 'text',
      excerpt_html: 'text',
      word_count: 'int',
      reading_minutes: 'int',
      toc: 'json',
    },
    docId: 't.id',
    links: { kind: 'post', record: true },
    mentions: true,
    async render(pool, markdown, docId, mentions) {
      const r = await pool.render(markdown, { docId, ...(mentions ? { mentions } : {}) });
      return {
        body_html: r.html,
        excerpt: r.excerpt,
        excerpt_html: r.excerptHtml,
        word_count: r.wordCount,
        reading_minutes: r.readingMinutes,
        toc: r.toc,
      };
    },
  },
  {
    // Authors' moderation guidelines (moderation/guidelines.ts renderGuidelines: no docId, blank means none).
    table: 'posts',
    label: 'post guidelines',
    source: 'guidelines_markdown',
    columns: { guidelines_html: 'html' },
    docId: null,
    where: "t.guidelines_markdown <> ''",
    render: async (pool, markdown) => ({ guidelines_html: await html(pool, markdown, undefined, 'guidelines') }),
  },
  {
    table: 'post_revisions',
    label: 'post revisions',
    source: 'body_markdown',
    columns: { body_html: 'html' },
    docId: 't.post_id',
    links: { kind: 'post', record: false },
    // Revision pages are cached under their post; no trigger watches this table.
    notify: (postId) => `post:${postId}`,
    mentions: true,
    render: async (pool, markdown, docId, mentions) => ({
      body_html: await html(pool, markdown, docId, 'body', mentions),
    }),
  },
  {
    table: 'comments',
    label: 'comments',
    source: 'body_markdown',
    columns: { body_html: 'html', excerpt: 'text', excerpt_html: 'text' },
    docId: 't.id',
    // A deleted comment keeps no text (and must keep no HTML).
    where: 'NOT t.deleted',
    links: { kind: 'comment', record: true },
    mentions: true,
    async render(pool, markdown, docId, mentions) {
      const r = await pool.render(markdown, { docId, ...(mentions ? { mentions } : {}) });
      return { body_html: r.html, excerpt: r.excerpt, excerpt_html: r.excerptHtml };
    },
  },
  {
    table: 'comment_revisions',
    label: 'comment revisions',
    source: 'body_markdown',
    columns: { body_html: 'html' },
    docId: 't.comment_id',
    links: { kind: 'comment', record: false },
    mentions: true,
    render: async (pool, markdown, docId, mentions) => ({
      body_html: await html(pool, markdown, docId, 'body', mentions),
    }),
  },
  {
    table: 'sequences',
    label: 'sequences',
    source: 'description_markdown',
    columns: { description_html: 'html', description_excerpt: 'text', description_excerpt_html: 'text' },
    docId: 't.id',
    async render(pool, markdown, docId) {
      const r = await pool.render(markdown, { docId, field: 'description' });
      return {
        description_html: r.html,
        description_excerpt: r.excerpt,
        description_excerpt_html: r.excerptHtml,
      };
    },
  },
  {
    table: 'tags',
    label: 'tags',
    source: 'description_markdown',
    columns: { description_html: 'html', description_excerpt: 'text', description_excerpt_html: 'text' },
    docId: 't.id',
    async render(pool, markdown, docId) {
      const r = await pool.render(markdown, { docId, field: 'description' });
      return {
        description_html: r.html,
        description_excerpt: r.excerpt,
        description_excerpt_html: r.excerptHtml,
      };
    },
  },
  {
    table: 'tag_revisions',
    label: 'tag revisions',
    source: 'body_markdown',
    columns: { body_html: 'html' },
    // A revision holds the description as the tag's was rendered: under the tag's id, with no link titles.
    docId: 't.tag_id',
    // Revision pages are cached under their tag; no trigger watches this table.
    notify: (tagId) => `tag:${tagId}`,
    render: async (pool, markdown, docId) => ({ body_html: await html(pool, markdown, docId, 'description') }),
  },
  {
    table: 'users',
    label: 'user bios',
    source: 'bio_markdown',
    columns: { bio_html: 'html' },
    // Bios are rendered without a docId (users/routes.tsx), so footnote ids come from the Markdown's hash.
    docId: null,
    render: async (pool, markdown) => ({
      bio_html: markdown.trim() ? await html(pool, markdown, undefined, 'bio') : '',
    }),
  },
];
