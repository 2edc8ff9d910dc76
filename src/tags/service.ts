import { renderPool } from '../content/pool.js';
import { slugify } from '../content/slug.js';
import type { Queryable } from '../db/database.js';
import { newId } from '../db/ids.js';
import { Forbidden, Invalid, NotFound } from '../errors.js';
import { type Actor, canCreateTag, canEditTag, taggingKarmaMessage } from '../policy/policy.js';
import { liveTag } from '../policy/visibility.js';
import { addRevision, diffForRevision, latestRevision } from '../posts/revisions.js';
import { tagPath } from './paths.js';
import { tagNamed } from './queries.js';
import type { NewTagInput, TagEditInput } from './validation.js';

export const NO_TAG = 'There is no tag at this address. It may have been deleted.';

const MAX_SLUG_CHARS = 60;
const UNIQUE_VIOLATION = '23505';
/** Slugs that are pages of their own under /tags/ (a tag named "New" gets /tags/new-2). */
const RESERVED_SLUGS = new Set(['new']);

export function tagSlug(name: string): string {
  return slugify(name, { ascii: true, maxLength: MAX_SLUG_CHARS, fallback: 'tag' });
}

/** The refusal of a name another tag has, however cased, linking that tag (the form shows the link). */
export class TagNameTaken extends Invalid {
  constructor(readonly existing: { name: string; slug: string }) {
    const message = `A tag named “${existing.name}” exists already (${tagPath(existing)}).`;
    super(message, { name: message });
  }
}

async function requireFreeName(db: Queryable, name: string, exceptId?: string): Promise<void> {
  const existing = await tagNamed(db, name, exceptId);
  if (existing) throw new TagNameTaken(existing);
}

/**
 * The first of `base`, `base-2`, `base-3`… that no other tag answers to, now or as an old slug (so an old link
 * keeps leading to the tag it meant). One query over the few candidates with that stem.
 */
async function freeSlug(tx: Queryable, base: string, tagId: string): Promise<string> {
  const rows = await tx.query<{ slug: string }>(
    `SELECT slug FROM tags WHERE (slug = $1 OR slug LIKE $2) AND id <> $3
     UNION ALL
     SELECT slug FROM tag_old_slugs WHERE (slug = $1 OR slug LIKE $2) AND tag_id <> $3`,
    [base, `${base}-%`, tagId],
  );
  const taken = new Set([...rows.map((row) => row.slug), ...RESERVED_SLUGS]);
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

async function renderDescription(tagId: string, markdown: string) {
  return renderPool().render(markdown, { docId: tagId, field: 'description' });
}

/** Turns the unique indexes' answer to a race (two tags named alike at once) into the form's message. */
async function refusingRaces<T>(db: Queryable, name: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
    const existing = await tagNamed(db, name);
    if (existing) throw new TagNameTaken(existing);
    throw new Invalid('Another tag took this address a moment ago; submit the form again.', {
      name: 'Another tag took this address a moment ago; submit again.',
    });
  }
}

export interface NewTag extends NewTagInput {
  /** Backdating for demo content; defaults to now. */
  at?: Date;
}

/**
 * Creates a tag with its description rendered now and stored as revision 1. The name is checked against every
 * tag, however cased; the unique index decides between two creators racing for one name.
 */
export async function createTag(db: Queryable, actor: Actor, input: NewTag): Promise<{ id: string; slug: string }> {
  if (!canCreateTag(actor)) throw new Forbidden(taggingKarmaMessage(actor.karma));
  await requireFreeName(db, input.name);
  const id = newId();
  const rendered = await renderDescription(id, input.description);
  const at = input.at ?? new Date();
  return refusingRaces(db, input.name, () =>
    db.transaction(async (tx) => {
      const slug = await freeSlug(tx, tagSlug(input.name), id);
      await tx.query(
        `INSERT INTO tags (id, name, slug, description_markdown, description_html, description_excerpt,
                           description_excerpt_html, created_by, created_at, updated_at, revision_count)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, 1)`,
        [id, input.name, slug, input.description, rendered.html, rendered.excerpt, rendered.excerptHtml, actor.id, at],
      );
      await addRevision(tx, 'tag', id, 1, {
        authorId: actor.id,
        title: input.name,
        markdown: input.description,
        html: rendered.html,
        note: '',
        at,
        diff: null,
      });
      return { id, slug };
    }),
  );
}

interface LockedTag {
  id: string;
  name: string;
  slug: string;
  descriptionMarkdown: string;
  revisionCount: number;
}

/** The live tag row, locked until the transaction ends so concurrent edits number their revisions in turn. */
async function lockTag(tx: Queryable, tagId: string): Promise<LockedTag> {
  const rows = await tx.query<LockedTag>(
    `SELECT id, name, slug, description_markdown AS "descriptionMarkdown", revision_count AS "revisionCount"
       FROM tags WHERE id = $1 AND ${liveTag()} FOR UPDATE`,
    [tagId],
  );
  if (!rows[0]) throw new NotFound(NO_TAG);
  return rows[0];
}

export type TagEditOutcome = { outcome: 'revised' | 'unchanged'; slug: string };

/**
 * Saves a new name and description as the next revision (with its word diff against the previous one). A new
 * name may change the slug: the old one is kept in tag_old_slugs and answers with a redirect.
 */
export async function editTag(
  db: Queryable,
  actor: Actor,
  tagId: string,
  input: TagEditInput,
): Promise<TagEditOutcome> {
  if (!canEditTag(actor)) throw new Forbidden(taggingKarmaMessage(actor.karma));
  await requireFreeName(db, input.name, tagId);
  // Rendered and diffed before the transaction, so the row is not held locked while a worker works; an edit
  // that raced another one is diffed again under the lock.
  const text = { title: input.name, body: input.description };
  const latest = await latestRevision(db, tagId, 'tag');
  const [rendered, diff] = await Promise.all([
    renderDescription(tagId, input.description),
    diffForRevision(latest, text),
  ]);
  return refusingRaces(db, input.name, () =>
    db.transaction(async (tx) => {
      const tag = await lockTag(tx, tagId);
      if (tag.name === input.name && tag.descriptionMarkdown === input.description) {
        return { outcome: 'unchanged', slug: tag.slug };
      }
      let slug = tag.slug;
      const wanted = tagSlug(input.name);
      if (wanted !== tag.slug && !(slug.startsWith(`${wanted}-`) && /^\d+$/.test(slug.slice(wanted.length + 1)))) {
        slug = await freeSlug(tx, wanted, tagId);
        // The old address keeps working; an old slug this tag takes back is its current one again.
        await tx.query(
          `INSERT INTO tag_old_slugs (slug, tag_id) VALUES ($1, $2) ON CONFLICT (slug) DO UPDATE SET tag_id = $2`,
          [tag.slug, tagId],
        );
        await tx.query('DELETE FROM tag_old_slugs WHERE slug = $1 AND tag_id = $2', [slug, tagId]);
      }
      await tx.query(
        `UPDATE tags SET name = $2, slug = $3, description_markdown = $4, description_html = $5,
                         description_excerpt = $6, description_excerpt_html = $7, updated_at = now(),
                         revision_count = revision_count + 1
          WHERE id = $1`,
        [tagId, input.name, slug, input.description, rendered.html, rendered.excerpt, rendered.excerptHtml],
      );
      const current = (latest?.number ?? 0) === tag.revisionCount;
      await addRevision(tx, 'tag', tagId, tag.revisionCount + 1, {
        authorId: actor.id,
        title: input.name,
        markdown: input.description,
        html: rendered.html,
        note: input.note,
        at: new Date(),
        diff: current ? diff : await diffForRevision(await latestRevision(tx, tagId, 'tag'), text),
      });
      return { outcome: 'revised', slug };
    }),
  );
}
