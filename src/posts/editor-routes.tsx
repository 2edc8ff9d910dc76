import { type Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { LoginPage } from '../accounts/views.js';
import { MAX_MARKDOWN_CHARS } from '../content/render.js';
import { isId } from '../db/ids.js';
import { AppError, Forbidden, Invalid, NotFound } from '../errors.js';
import { guidelinesInput, renderGuidelines } from '../moderation/guidelines.js';
import { canEditPost } from '../policy/policy.js';
import { heldForReview } from '../review/rules.js';
import { editorTagsOfPost } from '../tags/links-queries.js';
import { allTagsByName } from '../tags/queries.js';
import type { AppEnv } from '../web/context.js';
import { formStrings, parseInput } from '../web/forms.js';
import { pageContext } from '../web/page.js';
import { carriedFields } from '../web/resubmit.js';
import { EditorPage, type EditorState } from './editor.js';
import { postPath } from './paths.js';
import { keepRetryAfter, renderPreview } from './preview.js';
import { postById } from './queries.js';
import { createPost, deletePost, savePost } from './service.js';
import { editorIntent, postInput, postTagsInput } from './validation.js';

const previewInput = z.object({
  markdown: z
    .string()
    .max(MAX_MARKDOWN_CHARS, `Body must be at most ${MAX_MARKDOWN_CHARS.toLocaleString('en')} characters.`),
});

function editorValues(form: Record<string, string>) {
  return { title: form.title ?? '', body: form.body ?? '', note: form.note ?? '', guidelines: form.guidelines ?? '' };
}

/** The guidelines the form sent, checked and rendered; undefined when it had no such field (leave them). */
async function sentGuidelines(form: Record<string, string>) {
  if (form.guidelines === undefined) return undefined;
  return renderGuidelines(parseInput(z.object({ guidelines: guidelinesInput }), form).guidelines);
}

/**
 * The tag ids the editor sent, as sent (the `tags` field repeated, or comma-separated when carried across a
 * login), for showing the form again; undefined when the form had no tag field (`tagsShown`), which leaves the
 * post's tags as they are. postTagsInput validates them.
 */
function sentTags(form: Record<string, string>, all: Record<string, unknown>): string[] | undefined {
  if (form.tagsShown !== '1') return undefined;
  const raw = all.tags;
  const values = Array.isArray(raw) ? raw : [raw];
  return values
    .filter((value): value is string => typeof value === 'string')
    .flatMap((value) => value.split(','))
    .filter(isId);
}

/** Every tag to choose from, with these chosen. */
async function tagChoices(c: Context<AppEnv>, chosen: readonly string[]): Promise<EditorState['tags']> {
  return { choices: await allTagsByName(c.get('deps').db), chosen };
}

/** The editor again, with the author's text and what went wrong. */
function showEditor(c: Context<AppEnv>, state: EditorState, status: ContentfulStatusCode = 200) {
  return c.html(<EditorPage ctx={pageContext(c)} state={state} />, status);
}

/**
 * A session that expired mid-edit must not cost the author their text: the login form carries it, and after
 * logging in the author is offered it back in the editor.
 */
async function loginToContinue(c: Context<AppEnv>) {
  const carry = carriedFields(await c.req.parseBody(), ['intent', 'tags']);
  // A repeated field would not survive the login form (one value per name): the chosen tags go as one.
  const tags = sentTags(formStrings(await c.req.parseBody()), await c.req.parseBody({ all: true }));
  if (tags) carry.push(['tags', tags.join(',')]);
  return c.html(
    <LoginPage
      ctx={pageContext(c)}
      form={{ values: {}, errors: {}, message: 'Your session has ended. Log in to continue; your text is kept.' }}
      next={c.req.path}
      carry={carry}
    />,
    401,
  );
}

async function handleEditorPost(c: Context<AppEnv>, postId: string | undefined) {
  const user = c.get('user');
  if (!user) return loginToContinue(c);
  const form = formStrings(await c.req.parseBody());
  const values = editorValues(form);
  const existing = postId ? await postById(c.get('deps').db, postId) : undefined;
  if (postId && (!existing || existing.deletedAt)) throw new NotFound('This post does not exist or has been deleted.');
  if (existing && !canEditPost(user, existing)) throw new Forbidden('Only the author can edit this post.');
  // The body again with repeated fields kept (Hono keeps the parsed form, so this parses nothing twice).
  const allFields = await c.req.parseBody({ all: true });
  const tags = sentTags(form, allFields);
  const chosen = tags ?? (existing ? await editorTagsOfPost(c.get('deps').db, existing.id, existing.authorId) : []);
  const state: EditorState = {
    postId,
    status: existing?.status ?? 'draft',
    values,
    errors: {},
    tags: await tagChoices(c, chosen),
  };
  try {
    const parsedIntent = editorIntent.safeParse(form.intent);
    if (!parsedIntent.success) throw new Invalid('Choose one of the editor buttons.');
    const intent = parsedIntent.data;
    if (intent === 'restore') {
      return showEditor(c, { ...state, notice: 'Welcome back. Your unsaved text is below; save it when ready.' });
    }
    const input = parseInput(postInput, values);
    const tagIds = tags && parseInput(postTagsInput, { tags: allFields.tags }).tags;
    if (intent === 'preview') {
      return showEditor(c, { ...state, previewHtml: await renderPreview(c, user.id, input.body) });
    }
    if (intent === 'unpublish' && existing?.status === 'published' && form.confirm !== 'unpublish') {
      // Unpublishing takes the post away from readers: ask first, with everything typed (the note too) kept.
      return showEditor(c, { ...state, confirmUnpublish: true });
    }
    if (!existing) {
      if (intent !== 'draft' && intent !== 'publish') throw new Invalid('Save the post as a draft or publish it.');
      const guidelines = await sentGuidelines(form);
      const created = await createPost(c.get('deps').db, {
        guidelines,
        authorId: user.id,
        title: input.title,
        markdown: input.body,
        publish: intent === 'publish',
        note: input.note,
        baseUrl: c.get('deps').config.baseUrl,
        tagIds: tagIds ?? [],
        hold: intent === 'publish' && (await heldForReview(c.get('deps').db, user)),
      });
      return c.redirect(intent === 'publish' ? postPath(created) : `/posts/${created.id}/edit?saved=1`, 303);
    }
    const outcome = await savePost(c.get('deps').db, user, existing.id, input, intent, {
      baseUrl: c.get('deps').config.baseUrl,
      guidelines: await sentGuidelines(form),
      tagIds,
      // A new member's first post waits for review (asked only when a draft is being published).
      hold: intent === 'publish' && existing.status === 'draft' && (await heldForReview(c.get('deps').db, user)),
    });
    const saved = await postById(c.get('deps').db, existing.id);
    if (outcome === 'saved' || outcome === 'unpublished') return c.redirect(`/posts/${existing.id}/edit?saved=1`, 303);
    return c.redirect(postPath(saved ?? existing), 303);
  } catch (error) {
    if (!(error instanceof AppError) || error.status === 403 || error.status === 404) throw error;
    keepRetryAfter(c, error);
    const messages = Object.values(error.fields);
    return showEditor(
      c,
      { ...state, errors: error.fields, message: messages.includes(error.message) ? undefined : error.message },
      error.status,
    );
  }
}

export const editorRoutes = new Hono<AppEnv>()
  .get('/posts/new', async (c) => {
    if (!c.get('user')) return c.redirect(`/login?next=${encodeURIComponent('/posts/new')}`);
    return showEditor(c, {
      status: 'draft',
      values: { title: '', body: '', note: '', guidelines: '' },
      errors: {},
      tags: await tagChoices(c, []),
    });
  })
  .post('/posts/new', (c) => handleEditorPost(c, undefined))
  .get('/posts/:postId/edit', async (c) => {
    const { postId } = c.req.param();
    if (!c.get('user')) return c.redirect(`/login?next=${encodeURIComponent(c.req.path)}`);
    const post = isId(postId) ? await postById(c.get('deps').db, postId) : undefined;
    if (!post || post.deletedAt) throw new NotFound('This post does not exist or has been deleted.');
    if (!canEditPost(c.get('user'), post)) throw new Forbidden('Only the author can edit this post.');
    return showEditor(c, {
      postId: post.id,
      status: post.status,
      values: { title: post.title, body: post.bodyMarkdown, note: '', guidelines: post.guidelinesMarkdown },
      errors: {},
      tags: await tagChoices(c, await editorTagsOfPost(c.get('deps').db, post.id, post.authorId)),
      notice: c.req.query('saved') ? `Saved${post.status === 'draft' ? ' as a draft' : ''}.` : undefined,
    });
  })
  .post('/posts/:postId/edit', (c) => {
    const { postId } = c.req.param();
    if (!isId(postId)) throw new NotFound('This post does not exist or has been deleted.');
    return handleEditorPost(c, postId);
  })
  .post('/posts/:postId/delete', async (c) => {
    const { postId } = c.req.param();
    const user = c.get('user');
    if (!user) throw new Forbidden('Log in to delete a post.');
    if (!isId(postId)) throw new NotFound('This post does not exist or has been deleted.');
    const form = formStrings(await c.req.parseBody());
    if (form.confirm !== 'yes') {
      throw new Invalid('Tick “Yes, delete this post” to confirm the deletion. Nothing was deleted.', {
        confirm: 'Tick the box to confirm.',
      });
    }
    await deletePost(c.get('deps').db, user, postId);
    return c.redirect(`/users/${user.username}`, 303);
  })
  .post('/api/preview', async (c) => {
    const user = c.get('user');
    if (!user) throw new Forbidden('Log in to preview.');
    const body = await c.req.json().catch(() => {
      throw new Invalid('Send JSON like {"markdown": "…"}.', { markdown: 'missing' });
    });
    const input = parseInput(previewInput, body);
    return c.json({ html: await renderPreview(c, user.id, input.markdown, 'markdown') });
  });
