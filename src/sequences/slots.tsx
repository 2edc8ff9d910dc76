import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { Queryable } from '../db/database.js';
import type { PostPageSlots } from '../posts/page.js';
import { renderToString } from '../web/page.js';
import { backlinksOf } from './links.js';
import { Backlinks, SequenceMemberships, SequenceTag } from './post-views.js';
import { sequencesOfPost, sequencesOfPosts } from './queries.js';

/**
 * What a post's own page (/posts/:id/:slug) shows from this feature: the sequences it is part of above the title
 * and "Referenced by" after the body. One query each; rendered, so the route can keep them in a cache.
 */
export async function postPageSlots(db: Queryable, postId: string): Promise<PostPageSlots> {
  const [memberships, links] = await Promise.all([sequencesOfPost(db, postId), backlinksOf(db, postId)]);
  return {
    banner:
      memberships.length > 0
        ? raw(await renderToString(<SequenceMemberships postId={postId} sequences={memberships} />))
        : undefined,
    afterBody: links.length > 0 ? raw(await renderToString(<Backlinks links={links} />)) : undefined,
  };
}

/** For a list of posts (PostListModel.extras): "· in <sequence>" after each post that is part of one. One query. */
export async function postListExtras(db: Queryable, postIds: string[]): Promise<Map<string, Child>> {
  const byPost = await sequencesOfPosts(db, postIds);
  return new Map([...byPost].map(([postId, sequences]) => [postId, <SequenceTag sequences={sequences} />]));
}
