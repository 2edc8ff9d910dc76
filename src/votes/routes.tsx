import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { isId } from '../db/ids.js';
import { Forbidden, Invalid } from '../errors.js';
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
  const user = c.var.user;
  if (!user) throw new Forbidden('Log in to vote.');
  const { targetType, targetId, kind, shown } = parseNamingFields(voteInput, input);
  return castVote(c.var.deps.db, {
    voterId: user.id,
    targetType,
    targetId,
    axis: axisOfKind(kind),
    kind,
    shown: shown === 'none' ? null : shown,
  });
}

export const voteRoutes = new Hono<AppEnv>()
  // A vote without JavaScript: back to the same page and anchor (same-site paths only).
  .post('/votes', async (c) => {
    const form = formStrings(await c.req.parseBody());
    await vote(c, form);
    return c.redirect(safeNext(c, form.returnTo), 303);
  })
  // The client script's vote: the new totals and the voter's current vote on that axis.
  .post('/api/votes', async (c) => {
    if (!c.var.user) throw new Forbidden('Log in to vote.');
    const body: unknown = await c.req.json().catch(() => {
      throw new Invalid('Send JSON like {"targetType": "comment", "targetId": "…", "kind": "up"}.', {
        form: 'The body is not JSON.',
      });
    });
    return c.json(await vote(c, body));
  });
