import type { Context } from 'hono';
import { cachedFragment } from '../cache/middleware.js';
import { canTagPost } from '../policy/policy.js';
import type { PostRow } from '../posts/queries.js';
import type { AppEnv } from '../web/context.js';
import { pathAndQuery } from '../web/page.js';
import { relevanceVotesOf, tagsOfPost } from './links-queries.js';
import type { PostTagsProps } from './links-views.js';
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
 * post or its comments do; the choices for "Add a tag" likewise until the set of tags changes. Only the
 * reader's own votes are read per view, and only when the post has tags.
 */
export async function postTagsOnPage(c: Context<AppEnv>, post: PostRow): Promise<PostTagsProps> {
  const db = c.var.deps.db;
  const user = c.var.user;
  const tags = await cachedFragment(c, postTagsCacheTag(post.id), [postTagsCacheTag(post.id)], () =>
    tagsOfPost(db, post.id),
  );
  // The forms come back to the page they are on (the post, or the post read inside a sequence).
  const props: PostTagsProps = { postId: post.id, pageHref: pathAndQuery(c.req.url), tags };
  if (!user) return props;
  const canTag = canTagPost(user, post);
  const [stored, all] = await Promise.all([
    tags.length > 0 ? relevanceVotesOf(db, user.id, post.id) : undefined,
    // The most used tags, as suggestions beside a typed name: every tag would weigh on every page of a forum
    // with thousands. Kept until a tag is created, renamed, deleted or merged ("tag-names", migration 0017).
    canTag ? cachedFragment(c, 'tag-choices', ['tag-names'], () => mostUsedTags(db, OFFERED_TAG_CHOICES)) : [],
  ]);
  const votes = new Map<string, RelevanceKind>();
  for (const [tagId, kind] of stored ?? []) {
    const relevance = asRelevanceKind(kind);
    if (relevance) votes.set(tagId, relevance);
  }
  const onPost = new Set(tags.map((link) => link.tagId));
  const choices = all.filter((tag) => !onPost.has(tag.id)).map((tag) => ({ id: tag.id, name: tag.name }));
  return { ...props, reader: { csrfToken: c.var.csrfToken, votes, canTag, choices } };
}
