import type { Context } from 'hono';
import { cachedFragment } from '../cache/middleware.js';
import { isId } from '../db/ids.js';
import { NotFound } from '../errors.js';
import { PostRemoved } from '../moderation/removed.js';
import { canViewPost } from '../policy/policy.js';
import type { AppEnv } from '../web/context.js';
import { type PostRow, postById } from './queries.js';

/** The post named by the :postId route parameter (or `postId`), if this reader may see it; otherwise a 404. */
export async function visiblePost(c: Context<AppEnv>, postId = c.req.param('postId') ?? ''): Promise<PostRow> {
  // Every post page starts here: the row is kept in the fragment cache until the post changes.
  const post = isId(postId)
    ? await cachedFragment(c, `post:${postId}`, [`post:${postId}`], () => postById(c.get('deps').db, postId))
    : undefined;
  if (post && !canViewPost(c.get('user'), post) && post.deletedAt && post.removedReason !== null) {
    throw new PostRemoved(post);
  }
  if (!post || !canViewPost(c.get('user'), post)) {
    throw new NotFound('There is no post at this address. It may have been deleted.');
  }
  return post;
}
