import type { Context } from 'hono';
import { cachedFragment } from '../cache/middleware.js';
import { canTagPost } from '../policy/policy.js';
import type { PostRow } from '../posts/queries.js';
import type { VoteKind } from '../votes/kinds.js';
import type { AppEnv } from '../web/context.js';
import { pathAndQuery } from '../web/page.js';
import { tagsOfPost } from './links-queries.js';
import { type PostTagsProps, tagOptionsHtml } from './links-views.js';
import { mostUsedTags } from './queries.js';
import { asRelevanceKind, type RelevanceKind } from './relevance.js';

/** How many tags "Add a tag" suggests; any other is typed by name. */
const OFFERED_TAG_CHOICES = 100;

/** The cache tag of a post's tag list: "post-tags:<id>", announced by migration 0018 when a link changes. */
export function postTagsCacheTag(postId: string): string {
  return `post-tags:${postId}`;
}

/**
 * What a post page shows of its tags. The list is the same for every reader and kept in the fragment cache
 * until a link of the post or one of its tags' names changes ("post-tags:<id>", migration 0018), not when the
 * post or its comments do; the choices for "Add a tag", rendered, likewise until the set of tags or the post's
 * links change. The reader's own votes are kept per reader and post until one of the post's links changes.
 * On the hot thread (bench) the votes had been a query on every view, and the tag list with its hundred choices
 * a third to a half of the page's render.
 */
export async function postTagsOnPage(
  c: Context<AppEnv>,
  post: PostRow,
  /** What the page read of its reader, with their relevance votes on the post's links (posts/page.tsx). */
  reader: Promise<{ tagVotes: Map<string, VoteKind> }> | undefined,
): Promise<PostTagsProps> {
  const db = c.get('deps').db;
  const user = c.get('user');
  const tagsTag = postTagsCacheTag(post.id);
  const tags = await cachedFragment(c, tagsTag, [tagsTag], () => tagsOfPost(db, post.id));
  // The forms come back to the page they are on (the post, or the post read inside a sequence).
  const props: PostTagsProps = { postId: post.id, pageHref: pathAndQuery(c.req.url), tags };
  if (!user) return props;
  const canTag = canTagPost(user, post);
  const [stored, choicesHtml] = await Promise.all([
    // The reader's relevance votes on the post's links, read and kept with their votes on the post, until one of
    // its links changes (a vote of theirs changes its link's relevance, migration 0018).
    tags.length > 0 ? reader?.then((read) => read.tagVotes) : undefined,
    canTag
      ? cachedFragment(c, `tag-options:${post.id}`, ['tag-names', tagsTag], async () => {
          // The most used tags, as suggestions beside a typed name: every tag would weigh on every page of a
          // forum with thousands. Kept until a tag is created, renamed, deleted or merged ("tag-names", 0017).
          const all = await cachedFragment(c, 'tag-choices', ['tag-names'], () =>
            mostUsedTags(db, OFFERED_TAG_CHOICES),
          );
          // The post's links as of now, not as read above: a change since then would be kept with them.
          const links = await cachedFragment(c, tagsTag, [tagsTag], () => tagsOfPost(db, post.id));
          const onPost = new Set(links.map((link) => link.tagId));
          return tagOptionsHtml(all.filter((tag) => !onPost.has(tag.id)));
        })
      : '',
  ]);
  const votes = new Map<string, RelevanceKind>();
  for (const [tagId, kind] of stored ?? []) {
    const relevance = asRelevanceKind(kind);
    if (relevance) votes.set(tagId, relevance);
  }
  return { ...props, reader: { csrfToken: c.get('csrfToken'), votes, canTag, choicesHtml } };
}
