import type { Queryable } from '../db/database.js';
import { NotFound } from '../errors.js';
import { type TagRow, tagAtSlug } from './queries.js';
import { NO_TAG } from './service.js';

/** Longest slug param looked up (ours are at most 60 characters, plus a "-N" suffix). */
const MAX_SLUG_PARAM = 80;
const SLUG_PARAM = /^[A-Za-z0-9-]+$/;

/** What an address under /tags/:slug leads to: the tag, or the slug it now answers to (a 301). */
export type TagAtAddress =
  | { tag: TagRow; redirectTo?: undefined }
  | { tag?: undefined; redirectTo: string; merged: boolean };

/**
 * The live tag a slug names, or where to send the reader: an old slug (after a rename) or a wrongly cased one to
 * the tag's current slug, a merged tag to the tag it was merged into. A deleted tag, or none, is a 404.
 */
export async function tagAtAddress(db: Queryable, slugParam: string): Promise<TagAtAddress> {
  if (slugParam.length > MAX_SLUG_PARAM || !SLUG_PARAM.test(slugParam)) throw new NotFound(NO_TAG);
  const slug = slugParam.toLowerCase();
  const found = await tagAtSlug(db, slug);
  if (!found) throw new NotFound(NO_TAG);
  if (found.mergedIntoSlug) return { redirectTo: found.mergedIntoSlug, merged: true };
  if (found.deletedAt) throw new NotFound(NO_TAG);
  if (found.oldSlug || found.slug !== slugParam) return { redirectTo: found.slug, merged: false };
  return { tag: found };
}
