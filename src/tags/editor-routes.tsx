import { type Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AppError, Forbidden, NotFound } from '../errors.js';
import { canCreateTag, canEditTag, taggingKarmaMessage } from '../policy/policy.js';
import type { AppEnv } from '../web/context.js';
import { formStrings, parseInput } from '../web/forms.js';
import { pageContext } from '../web/page.js';
import { tagAtAddress } from './lookup.js';
import { tagPath } from './paths.js';
import type { TagRow } from './queries.js';
import { createTag, editTag, TagNameTaken } from './service.js';
import { newTagInput, tagEditInput } from './validation.js';
import { TagFormPage, type TagFormState, type TagFormValues } from './views.js';

/** May this reader create tags and edit their descriptions? If not, why (the 403's message). */
function refusal(c: Context<AppEnv>, doing: 'create' | 'edit'): Forbidden | undefined {
  const user = c.get('user');
  if (!user) return new Forbidden(`Log in to ${doing} tags.`);
  const may = doing === 'create' ? canCreateTag(user) : canEditTag(user);
  return may ? undefined : new Forbidden(taggingKarmaMessage(user.karma));
}

/** The form again after a refusal, with what the reader typed and the message where it belongs. */
function formState(values: TagFormValues, error: AppError): TagFormState {
  const repeated = Object.values(error.fields).includes(error.message);
  return {
    values,
    errors: error.fields,
    message: repeated ? undefined : error.message,
    existing: error instanceof TagNameTaken ? error.existing : undefined,
  };
}

function showForm(c: Context<AppEnv>, state: TagFormState, tag?: TagRow, status: ContentfulStatusCode = 200) {
  return c.html(<TagFormPage ctx={pageContext(c)} state={state} tag={tag} />, status);
}

/** The form again after any refusal (a 403, a 422, a busy render pool's 503), so nothing typed is lost. */
function refused(c: Context<AppEnv>, values: TagFormValues, error: AppError, tag?: TagRow) {
  if (error.retryAfterSeconds) c.header('Retry-After', String(error.retryAfterSeconds));
  return showForm(c, formState(values, error), tag, error.status);
}

/**
 * The live tag at :slug for its edit form, also by an old slug (renamed while someone was editing it: their
 * text still goes to it). A merged tag is edited as the tag it was merged into, from that tag's page.
 */
async function tagToEdit(c: Context<AppEnv>): Promise<TagRow> {
  const db = c.get('deps').db;
  const found = await tagAtAddress(db, c.req.param('slug') ?? '');
  if (found.tag) return found.tag;
  const renamed = found.merged ? undefined : (await tagAtAddress(db, found.redirectTo)).tag;
  if (!renamed) throw new NotFound('This tag was merged into another; edit that one from its page.');
  return renamed;
}

async function submitted(c: Context<AppEnv>): Promise<TagFormValues> {
  const form = formStrings(await c.req.parseBody());
  return { name: form.name ?? '', description: form.description ?? '', note: form.note ?? '' };
}

export const tagEditorRoutes = new Hono<AppEnv>()
  .get('/tags/new', (c) => {
    if (!c.get('user')) return c.redirect(`/login?next=${encodeURIComponent('/tags/new')}`);
    const values = { name: '', description: '', note: '' };
    const refusing = refusal(c, 'create');
    if (refusing) return refused(c, values, refusing);
    return showForm(c, { values, errors: {} });
  })
  .post('/tags/new', async (c) => {
    const values = await submitted(c);
    try {
      const refusing = refusal(c, 'create');
      if (refusing) throw refusing;
      const input = parseInput(newTagInput, values);
      const { slug } = await createTag(c.get('deps').db, c.get('user')!, input);
      return c.redirect(tagPath({ slug }), 303);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      return refused(c, values, error);
    }
  })
  .get('/tags/:slug/edit', async (c) => {
    if (!c.get('user')) return c.redirect(`/login?next=${encodeURIComponent(c.req.path)}`);
    const tag = await tagToEdit(c);
    if (tag.slug !== c.req.param('slug')) return c.redirect(`${tagPath(tag)}/edit`, 301);
    const values = { name: tag.name, description: tag.descriptionMarkdown, note: '' };
    const refusing = refusal(c, 'edit');
    if (refusing) return refused(c, values, refusing, tag);
    return showForm(c, { values, errors: {} }, tag);
  })
  .post('/tags/:slug/edit', async (c) => {
    const tag = await tagToEdit(c);
    const values = await submitted(c);
    try {
      const refusing = refusal(c, 'edit');
      if (refusing) throw refusing;
      const input = parseInput(tagEditInput, values);
      const { slug } = await editTag(c.get('deps').db, c.get('user')!, tag.id, input);
      return c.redirect(tagPath({ slug }), 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.status === 404) throw error;
      return refused(c, values, error, tag);
    }
  });
