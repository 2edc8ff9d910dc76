import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { isId } from '../db/ids.js';
import { Forbidden, Invalid } from '../errors.js';
import type { AppEnv } from '../web/context.js';
import { formStrings, parseNamingFields } from '../web/forms.js';
import { safeNext } from '../web/page.js';
import { applyTag } from './links-service.js';
import { tagIdByName } from './queries.js';
import { RELEVANCE_KINDS, type RelevanceKind, voteOnRelevance } from './relevance.js';
import { normalizeTagName } from './validation.js';

const id = (field: string) => z.string({ error: `${field} is missing.` }).refine(isId, `${field} is not a valid id.`);

const linkParams = z.object({ postId: id('postId'), tagId: id('tagId') });

/** "Add a tag": the tag by id (scripts, older pages) or by the name the reader typed or picked from the list. */
const applyInput = z
  .object({
    postId: id('postId'),
    tagId: id('tagId').optional(),
    tag: z.string().max(200, 'tag is too long: a tag name has at most 60 characters.').optional(),
    returnTo: z.string().max(2000, 'returnTo is too long.').optional(),
  })
  .refine((input) => input.tagId !== undefined || normalizeTagName(input.tag ?? '') !== '', {
    message: 'Type or choose the name of a tag to add.',
    path: ['tag'],
  });

const KIND_MESSAGE = 'relevance must be a vote and the vote shown, like up/none (up, down, strongUp or strongDown).';

/** A relevance button's value ("up/none": the vote it sets, the vote the page showed). */
const relevanceInput = z.object({
  relevance: z
    .string({ error: KIND_MESSAGE })
    .max(40, 'relevance is too long.')
    .transform((value, ctx) => {
      const [kind, shown, ...rest] = value.split('/');
      const kinds: readonly string[] = RELEVANCE_KINDS;
      if (rest.length > 0 || !kinds.includes(kind ?? '') || !(shown === 'none' || kinds.includes(shown ?? ''))) {
        ctx.addIssue({ code: 'custom', message: KIND_MESSAGE });
        return z.NEVER;
      }
      return { kind: kind as RelevanceKind, shown: shown === 'none' ? null : (shown as RelevanceKind) };
    }),
  returnTo: z.string().max(2000, 'returnTo is too long.').optional(),
});

async function tagNamed(c: Context<AppEnv>, name: string): Promise<string> {
  const tagId = await tagIdByName(c.get('deps').db, name);
  if (!tagId) {
    throw new Invalid(`No tag is named “${name}”.`, {
      tag: `No tag is named “${name}”. Tags are created at /tags/new.`,
    });
  }
  return tagId;
}

function requireUser(c: Context<AppEnv>, what: string) {
  const user = c.get('user');
  if (!user) throw new Forbidden(`Log in to ${what}.`);
  return user;
}

/** Back to the post's tag list: the page the form came from when it is ours, else the post's own address. */
function backToTags(c: Context<AppEnv>, returnTo: string | undefined, fallback: string): string {
  const back = returnTo ? safeNext(c, returnTo) : fallback;
  return `${back.replace(/#.*$/, '')}#post-tags`;
}

export const tagLinkRoutes = new Hono<AppEnv>()
  // "Add a tag" on a post page: the tag with the applier's upvote on its relevance, then back to the post.
  .post('/posts/:postId/tags', async (c) => {
    const user = requireUser(c, 'tag posts');
    const form = formStrings(await c.req.parseBody());
    const input = parseNamingFields(applyInput, { ...form, postId: c.req.param('postId') });
    const { postId, returnTo } = input;
    const tagId = input.tagId ?? (await tagNamed(c, normalizeTagName(input.tag ?? '')));
    const { slug } = await applyTag(c.get('deps').db, user, postId, tagId);
    return c.redirect(backToTags(c, returnTo, `/posts/${postId}/${slug}`), 303);
  })
  // A relevance button without JavaScript: the vote, then back to the post's tag list.
  .post('/posts/:postId/tags/:tagId/relevance', async (c) => {
    const user = requireUser(c, 'vote on the relevance of tags');
    const { postId, tagId } = parseNamingFields(linkParams, c.req.param());
    const form = formStrings(await c.req.parseBody());
    const { relevance, returnTo } = parseNamingFields(relevanceInput, form);
    await voteOnRelevance(c.get('deps').db, { voterId: user.id, postId, tagId, ...relevance });
    return c.redirect(backToTags(c, returnTo, `/posts/${postId}`), 303);
  })
  // The client script's relevance vote (tags/relevance-client.ts): the link's new totals and the voter's vote.
  .post('/api/posts/:postId/tags/:tagId/relevance', async (c) => {
    const user = requireUser(c, 'vote on the relevance of tags');
    const { postId, tagId } = parseNamingFields(linkParams, c.req.param());
    const body: unknown = await c.req.json().catch(() => {
      throw new Invalid('Send JSON like {"relevance": "up/none"}.', { relevance: 'The body is not JSON.' });
    });
    const { relevance } = parseNamingFields(relevanceInput, body);
    return c.json(await voteOnRelevance(c.get('deps').db, { voterId: user.id, postId, tagId, ...relevance }));
  });
