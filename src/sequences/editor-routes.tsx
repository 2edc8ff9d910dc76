import { type Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { SessionUser } from '../accounts/queries.js';
import { isId } from '../db/ids.js';
import { AppError, Forbidden, Invalid, NotFound } from '../errors.js';
import { canDeleteSequence, canEditSequence } from '../policy/policy.js';
import type { AppEnv } from '../web/context.js';
import { formStrings, parseInput } from '../web/forms.js';
import { pageContext, wantsJson } from '../web/page.js';
import {
  addChapter,
  arrangeSequence,
  deleteChapter,
  moveChapterInSequence,
  movePostInSequence,
  NO_CHAPTER,
} from './arrange.js';
import { ContentsEditor, type ContentsState } from './contents-editor.js';
import { type EditorPageState, NewSequencePage, SequenceEditorPage } from './editor.js';
import { emptyForm } from './form-state.js';
import { postsAvailableFor } from './list-queries.js';
import { sequencePath } from './paths.js';
import { sequenceById, sequenceContents } from './queries.js';
import {
  addPostToSequence,
  createSequence,
  deleteSequence,
  NO_SEQUENCE,
  NOT_IN_SEQUENCE,
  removePostFromSequence,
  updateSequence,
} from './service.js';
import { direction, newChapterInput, sequenceInput } from './validation.js';

/** What each change says when it is done (?done=… after a redirect, or in the JSON answer). */
const NOTICES = {
  created: 'Sequence created. Now add posts to it.',
  saved: 'Title and description saved.',
  added: 'Post added.',
  removed: 'Post removed from the sequence (the post itself is unchanged).',
  moved: 'Post moved.',
  'chapter-added': 'Chapter added.',
  'chapter-moved': 'Chapter moved.',
  'chapter-deleted': 'Chapter deleted; its posts joined the neighbouring chapter.',
  arranged: 'Order and chapter titles saved.',
} as const;
type Done = keyof typeof NOTICES;

function requireUser(c: Context<AppEnv>): SessionUser {
  const user = c.get('user');
  if (!user) throw new Forbidden('Log in to edit your sequences.');
  return user;
}

/** The sequence named by :sequenceId, if the reader may edit it. */
async function editableSequence(c: Context<AppEnv>) {
  const sequenceId = c.req.param('sequenceId') ?? '';
  const sequence = isId(sequenceId) ? await sequenceById(c.get('deps').db, sequenceId) : undefined;
  if (!sequence) throw new NotFound(NO_SEQUENCE);
  if (!canEditSequence(c.get('user'), sequence)) throw new Forbidden('Only the author can edit this sequence.');
  return sequence;
}

async function contentsState(
  c: Context<AppEnv>,
  sequence: { id: string; authorId: string },
  overrides: Partial<ContentsState> = {},
): Promise<ContentsState> {
  const db = c.get('deps').db;
  const [chapters, available] = await Promise.all([
    sequenceContents(db, sequence.id, null),
    postsAvailableFor(db, sequence.authorId, sequence.id),
  ]);
  return {
    sequenceId: sequence.id,
    chapters,
    available,
    order: emptyForm({}),
    addPost: emptyForm({ postId: '', chapterId: '' }),
    addChapter: emptyForm({ title: '' }),
    ...overrides,
  };
}

type EditorOverrides = Partial<Omit<EditorPageState, 'sequence' | 'contents'>> & { contents?: Partial<ContentsState> };

/** The editor page, with a refused form's input and messages where they belong. */
async function showEditor(c: Context<AppEnv>, overrides: EditorOverrides = {}, status: ContentfulStatusCode = 200) {
  const sequence = await editableSequence(c);
  const state: EditorPageState = {
    sequence,
    details: emptyForm({ title: sequence.title, description: sequence.descriptionMarkdown }),
    deletion: emptyForm({}),
    ...overrides,
    contents: await contentsState(c, sequence, overrides.contents),
  };
  return c.html(<SequenceEditorPage ctx={pageContext(c)} state={state} />, status);
}

/** The message to show above a form: the error's own, unless it only repeats a field's. */
function formState<V>(values: V, error: AppError) {
  const repeated = Object.values(error.fields).includes(error.message);
  return { values, errors: error.fields, message: repeated ? undefined : error.message };
}

/**
 * Runs one change to a sequence's posts or chapters, then answers: the contents part of the editor as JSON for
 * the client script (which replaces it in place), otherwise a redirect back to the editor. A refused change
 * shows the editor again with the message in the form it came from; nothing was changed.
 */
async function contentsChange(
  c: Context<AppEnv>,
  done: Done,
  form: 'order' | 'addPost' | 'addChapter',
  run: (user: SessionUser, fields: Record<string, string>, sequenceId: string) => Promise<void>,
) {
  const user = requireUser(c);
  const sequenceId = c.req.param('sequenceId') ?? '';
  const fields = formStrings(await c.req.parseBody());
  try {
    await run(user, fields, sequenceId);
  } catch (error) {
    if (!(error instanceof AppError) || error.status === 403 || wantsJson(c)) throw error;
    const values =
      form === 'addPost'
        ? { postId: fields.postId ?? '', chapterId: fields.chapterId ?? '' }
        : form === 'addChapter'
          ? { title: fields.title ?? '' }
          : orderValues(fields);
    return showEditor(c, { contents: { [form]: formState(values, error) } }, error.status);
  }
  if (wantsJson(c)) {
    const sequence = await editableSequence(c);
    const html = (
      <ContentsEditor state={await contentsState(c, sequence)} csrfToken={c.get('csrfToken')} />
    ).toString();
    return c.json({ html, notice: NOTICES[done] });
  }
  return c.redirect(`${sequencePath(sequenceId)}/edit?done=${done}#sequence-contents`, 303);
}

/** The order form's own fields (position.<postId>, chapter.<postId>, title.<chapterId>). */
function orderValues(fields: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).filter(([name]) => /^(position|chapter|title)\./.test(name)));
}

function fieldsWithPrefix(fields: Record<string, string>, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(fields))
    if (name.startsWith(prefix)) out[name.slice(prefix.length)] = value;
  return out;
}

function parseDirection(fields: Record<string, string>) {
  const parsed = direction.safeParse(fields.direction);
  if (!parsed.success) throw new Invalid('Move up or down: the direction must be “up” or “down”.');
  return parsed.data;
}

function paramId(c: Context<AppEnv>, name: 'postId' | 'chapterId'): string {
  const id = c.req.param(name) ?? '';
  if (!isId(id)) throw new NotFound(name === 'postId' ? NOT_IN_SEQUENCE : NO_CHAPTER);
  return id;
}

export const sequenceEditorRoutes = new Hono<AppEnv>()
  .get('/sequences/new', (c) => {
    if (!c.get('user')) return c.redirect(`/login?next=${encodeURIComponent('/sequences/new')}`);
    return c.html(<NewSequencePage ctx={pageContext(c)} state={emptyForm({ title: '', description: '' })} />);
  })
  .post('/sequences/new', async (c) => {
    const user = requireUser(c);
    const form = formStrings(await c.req.parseBody());
    const values = { title: form.title ?? '', description: form.description ?? '' };
    try {
      const input = parseInput(sequenceInput, values);
      const { id } = await createSequence(c.get('deps').db, { authorId: user.id, ...input });
      return c.redirect(`${sequencePath(id)}/edit?done=created`, 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.status === 403) throw error;
      return c.html(<NewSequencePage ctx={pageContext(c)} state={formState(values, error)} />, error.status);
    }
  })
  .get('/s/:sequenceId/edit', async (c) => {
    if (!c.get('user')) return c.redirect(`/login?next=${encodeURIComponent(c.req.path)}`);
    const done = c.req.query('done');
    return showEditor(c, { notice: done && done in NOTICES ? NOTICES[done as Done] : undefined });
  })
  .post('/s/:sequenceId/edit', async (c) => {
    const user = requireUser(c);
    const sequence = await editableSequence(c);
    const form = formStrings(await c.req.parseBody());
    const values = { title: form.title ?? '', description: form.description ?? '' };
    try {
      await updateSequence(c.get('deps').db, user, sequence.id, parseInput(sequenceInput, values));
    } catch (error) {
      if (!(error instanceof AppError) || error.status === 403 || error.status === 404) throw error;
      return showEditor(c, { details: formState(values, error) }, error.status);
    }
    return c.redirect(`${sequencePath(sequence.id)}/edit?done=saved`, 303);
  })
  .post('/s/:sequenceId/delete', async (c) => {
    const user = requireUser(c);
    const sequenceId = c.req.param('sequenceId');
    const sequence = isId(sequenceId) ? await sequenceById(c.get('deps').db, sequenceId) : undefined;
    if (!sequence) throw new NotFound(NO_SEQUENCE);
    if (!canDeleteSequence(user, sequence))
      throw new Forbidden('Only the author or a moderator can delete this sequence.');
    const form = formStrings(await c.req.parseBody());
    if (form.confirm !== 'yes') {
      const refusal = new Invalid('Tick “Yes, delete this sequence” to confirm. Nothing was deleted.');
      // A moderator has no editor page to go back to: the message comes on its own.
      if (!canEditSequence(user, sequence)) throw refusal;
      return showEditor(c, { deletion: formState({}, refusal) }, 422);
    }
    await deleteSequence(c.get('deps').db, user, sequence.id);
    return c.redirect(`/users/${user.username}`, 303);
  })
  .post('/s/:sequenceId/posts', (c) =>
    contentsChange(c, 'added', 'addPost', (user, fields, sequenceId) =>
      addPostToSequence(c.get('deps').db, user, {
        sequenceId,
        postId: (fields.postId ?? '').trim(),
        chapterId: fields.chapterId || undefined,
      }),
    ),
  )
  .post('/s/:sequenceId/posts/:postId/move', (c) =>
    contentsChange(c, 'moved', 'order', (user, fields, sequenceId) =>
      movePostInSequence(c.get('deps').db, user, {
        sequenceId,
        postId: paramId(c, 'postId'),
        direction: parseDirection(fields),
      }),
    ),
  )
  .post('/s/:sequenceId/posts/:postId/remove', (c) =>
    contentsChange(c, 'removed', 'order', (user, _fields, sequenceId) =>
      removePostFromSequence(c.get('deps').db, user, { sequenceId, postId: paramId(c, 'postId') }),
    ),
  )
  .post('/s/:sequenceId/chapters', (c) =>
    contentsChange(c, 'chapter-added', 'addChapter', async (user, fields, sequenceId) => {
      const input = parseInput(newChapterInput, { title: fields.title ?? '' });
      await addChapter(c.get('deps').db, user, { sequenceId, title: input.title });
    }),
  )
  .post('/s/:sequenceId/chapters/:chapterId/move', (c) =>
    contentsChange(c, 'chapter-moved', 'order', (user, fields, sequenceId) =>
      moveChapterInSequence(c.get('deps').db, user, {
        sequenceId,
        chapterId: paramId(c, 'chapterId'),
        direction: parseDirection(fields),
      }),
    ),
  )
  .post('/s/:sequenceId/chapters/:chapterId/delete', (c) =>
    contentsChange(c, 'chapter-deleted', 'order', (user, _fields, sequenceId) =>
      deleteChapter(c.get('deps').db, user, { sequenceId, chapterId: paramId(c, 'chapterId') }),
    ),
  )
  .post('/s/:sequenceId/order', (c) =>
    contentsChange(c, 'arranged', 'order', (user, fields, sequenceId) =>
      arrangeSequence(c.get('deps').db, user, {
        sequenceId,
        positions: fieldsWithPrefix(fields, 'position.'),
        chapters: fieldsWithPrefix(fields, 'chapter.'),
        chapterTitles: fieldsWithPrefix(fields, 'title.'),
      }),
    ),
  );
