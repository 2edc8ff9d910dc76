import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { isId } from '../db/ids.js';
import { Forbidden, Invalid } from '../errors.js';
import { VOTE_LOGIN_MESSAGE } from '../policy/policy.js';
import type { AppEnv } from '../web/context.js';
import { formStrings, parseNamingFields } from '../web/forms.js';
import { safeNext } from '../web/page.js';
import { axisOfKind, TARGET_TYPES, VOTE_KINDS } from './kinds.js';
import { castVote, type VoteResult } from './service.js';

const KIND_MESSAGE = 'kind must be one of up, down, strongUp, strongDown, agree or disagree.';

const voteInput = z.object({
  targetType: z.enum(TARGET_TYPES, { error: 'targetType must be post or comment.' }),
  targetId: z.string().refine(isId, 'targetId is not a valid id.'),
  kind: z.enum(VOTE_KINDS, { error: KIND_MESSAGE }),
  // The vote the page showed (see VoteRequest.shown); 'none' for no vote, absent to toggle.
  shown: z.enum([...VOTE_KINDS, 'none'], { error: `shown must be none or a vote kind (${KIND_MESSAGE})` }).optional(),
  returnTo: z.string().max(2000, 'returnTo is too long.').optional(),
});

async function vote(c: Context<AppEnv>, input: unknown): Promise<VoteResult> {
  const user = c.get('user');
  if (!user) throw new Forbidden(VOTE_LOGIN_MESSAGE);
  const { targetType, targetId, kind, shown } = parseNamingFields(voteInput, input);
  return castVote(c.get('deps').db, {
    voterId: user.id,
    targetType,
    targetId,
    axis: axisOfKind(kind),
    kind,
    shown: shown === 'none' ? null : shown,
  });
}

const VOTE_VALUE_MESSAGE = 'vote must be a target type, an id, a kind and the vote shown, like comment/<id>/up/none.';

/**
 * A vote button's value (votes/views.ts voteValue) as the fields it stands for; their own checks then apply.
 * A form may send the fields separately instead.
 */
const pageVoteInput = z.object({
  vote: z
    .string({ error: VOTE_VALUE_MESSAGE })
    .max(200, 'vote is too long.')
    .transform((value, ctx) => {
      const parts = value.split('/');
      if (parts.length !== 4) {
        ctx.addIssue({ code: 'custom', message: VOTE_VALUE_MESSAGE });
        return z.NEVER;
      }
      const [targetType = '', targetId = '', kind = '', shown = ''] = parts;
      return { targetType, targetId, kind, shown };
    }),
  returnTo: z.string().optional(),
});

/** Where a vote without JavaScript goes back to: the page it came from, at the item voted on. */
function returnPath(c: Context<AppEnv>, form: Record<string, string>, fromButton: boolean): string {
  const back = safeNext(c, form.returnTo);
  if (!fromButton) return back;
  const anchor = form.targetType === 'post' ? 'post-votes' : `comment-${form.targetId}`;
  return `${back.replace(/#.*$/, '')}#${anchor}`;
}

export const voteRoutes = new Hono<AppEnv>()
  // A vote without JavaScript: back to the same page and anchor (same-site paths only).
  .post('/votes', async (c) => {
    let form = formStrings(await c.req.parseBody());
    const fromButton = form.vote !== undefined;
    if (fromButton) form = { ...form, ...parseNamingFields(pageVoteInput, form).vote };
    await vote(c, form);
    return c.redirect(returnPath(c, form, fromButton), 303);
  })
  // The client script's vote: the new totals and the voter's current vote on that axis.
  .post('/api/votes', async (c) => {
    if (!c.get('user')) throw new Forbidden(VOTE_LOGIN_MESSAGE);
    const body: unknown = await c.req.json().catch(() => {
      throw new Invalid('Send JSON like {"targetType": "comment", "targetId": "…", "kind": "up"}.', {
        form: 'The body is not JSON.',
      });
    });
    return c.json(await vote(c, body));
  });
