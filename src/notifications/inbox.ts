import { commentPath, postPath } from '../posts/paths.js';
import type { InboxItem } from './queries.js';

/** One line of the inbox: what happened, who did it, and where to read it. */
export interface InboxEntry {
  id: string;
  unread: boolean;
  /** "Bob replied to your comment" (who, then what). */
  who: string | null;
  whoHref: string | null;
  what: string;
  href: string | null;
  excerpt: string | null;
  excerptHtml: string | null;
  at: Date;
}

/** The entries about one post, in the order they came ("3 new comments on *Post*"). */
export interface InboxGroup {
  postTitle: string | null;
  postHref: string | null;
  heading: string;
  entries: InboxEntry[];
}

const COMMENT_KINDS = new Set(['reply', 'post_comment', 'thread_comment', 'mention']);

/** What happened, after who did it: "replied to your comment". */
export function what(item: Pick<InboxItem, 'kind' | 'commentId' | 'detail'>): string {
  const onComment = item.commentId !== null;
  switch (item.kind) {
    case 'reply':
      return 'replied to your comment';
    case 'post_comment':
      return 'commented on your post';
    case 'thread_comment':
      return 'commented in a thread you follow';
    case 'mention':
      return onComment ? 'mentioned you in a comment' : 'mentioned you in a post';
    case 'followed_post':
      return 'published a new post';
    case 'subscribed_post':
      return `published a new post ${item.detail}`;
    case 'moderation':
      return item.detail;
  }
}

/** Where an item is read: the comment's permalink at its anchor, or the post. */
export function itemHref(item: Pick<InboxItem, 'postId' | 'postSlug' | 'commentId'>): string | null {
  if (!item.postId || item.postSlug === null) return null;
  const post = { id: item.postId, slug: item.postSlug };
  return item.commentId ? `${commentPath(post, item.commentId)}#comment-${item.commentId}` : postPath(post);
}

function entryOf(item: InboxItem): InboxEntry {
  const moderator = item.kind === 'moderation';
  // A moderator's action is listed with its link whatever became of its target (a removed post says why).
  const shown = item.shown || moderator;
  return {
    id: item.id,
    unread: item.readAt === null,
    // A moderator acts for the site: named as "A moderator", as the public log does.
    who: moderator ? 'A moderator' : item.actorName,
    whoHref: moderator || !item.actorUsername ? null : `/users/${item.actorUsername}`,
    what: shown ? what(item) : `${what(item)} (no longer shown)`,
    href: shown ? itemHref(item) : null,
    excerpt: shown ? item.excerpt || null : null,
    excerptHtml: shown ? item.excerptHtml || null : null,
    at: item.createdAt,
  };
}

function plural(n: number, word: string) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The page's notifications grouped per post, each group where its newest entry falls (the page is newest first).
 * A group's heading counts its comments: "3 new comments on", or, when all are read, "3 comments on".
 */
export function groupInbox(items: InboxItem[]): InboxGroup[] {
  const groups = new Map<string, { items: InboxItem[] }>();
  for (const item of items) {
    const key = item.postId ?? `none:${item.id}`;
    const group = groups.get(key) ?? { items: [] };
    group.items.push(item);
    groups.set(key, group);
  }
  return [...groups.values()].map(({ items: own }) => {
    const first = own[0]!;
    const postShown = own.some((item) => item.shown);
    const comments = own.filter((item) => COMMENT_KINDS.has(item.kind) && item.commentId !== null);
    const unread = comments.filter((item) => item.readAt === null).length;
    const heading =
      comments.length === 0
        ? 'About'
        : unread > 0
          ? `${plural(unread, 'new comment')} on`
          : `${plural(comments.length, 'comment')} on`;
    return {
      postTitle: postShown || first.kind === 'moderation' ? first.postTitle : null,
      postHref:
        postShown && first.postId && first.postSlug !== null
          ? postPath({ id: first.postId, slug: first.postSlug })
          : null,
      heading,
      entries: own.map(entryOf),
    };
  });
}
