import { describe, expect, it } from 'vitest';
import { actorFor } from '../../src/policy/actor.js';
import {
  canBan,
  canChangeRoles,
  canCommentOn,
  canCreateTag,
  canDeleteComment,
  canDeletePost,
  canEditPost,
  canEditSiteSettings,
  canModerate,
  canReport,
  canTagPost,
  canViewPost,
  canVote,
  commentRights,
  type PostFacts,
  TAGGING_KARMA,
} from '../../src/policy/policy.js';
import { liveTag, visibleComment, visiblePost } from '../../src/policy/visibility.js';

const member = actorFor('member');
const author = actorFor('author');
const moderator = actorFor('mod', { role: 'moderator' });
const admin = actorFor('admin', { role: 'admin' });
const post = (facts: Partial<PostFacts> = {}): PostFacts => ({
  authorId: 'author',
  status: 'published',
  deletedAt: null,
  ...facts,
});

describe('the policy', () => {
  it('shows a published post to everyone, a draft to its author only', () => {
    expect(canViewPost(null, post())).toBe(true);
    expect(canViewPost(null, post({ status: 'draft' }))).toBe(false);
    expect(canViewPost(moderator, post({ status: 'draft' }))).toBe(false);
    expect(canViewPost(author, post({ status: 'draft' }))).toBe(true);
  });

  it('shows a post awaiting review to its author and the staff', () => {
    const pending = post({ status: 'pending' });
    expect([null, member, author, moderator, admin].map((who) => canViewPost(who, pending))).toEqual([
      false,
      false,
      true,
      true,
      true,
    ]);
  });

  it('shows a removed post to the staff only, and a post its author deleted to nobody', () => {
    const removed = post({ deletedAt: new Date(), removedReason: 'Spam.' });
    expect([null, member, author, moderator].map((who) => canViewPost(who, removed))).toEqual([
      false,
      false,
      false,
      true,
    ]);
    expect(canViewPost(admin, post({ deletedAt: new Date() }))).toBe(false);
  });

  it('lets the author edit, and the author or the staff delete', () => {
    expect(canEditPost(author, post())).toBe(true);
    expect(canEditPost(moderator, post())).toBe(false);
    expect(canDeletePost(moderator, post())).toBe(true);
    expect(canDeletePost(member, post())).toBe(false);
    expect(canDeletePost(author, post({ deletedAt: new Date() }))).toBe(false);
  });

  it('refuses a vote on one’s own post or comment, and an anonymous vote', () => {
    expect(canVote(author, { authorId: 'author' })).toBe(false);
    expect(canVote(null, { authorId: 'author' })).toBe(false);
    expect(canVote(member, { authorId: 'author' })).toBe(true);
  });

  it('gives each reader their comment controls', () => {
    const comment = { authorId: 'author', deleted: false };
    expect(commentRights(author, comment)).toEqual({
      canVote: false,
      canEdit: true,
      canRetract: true,
      canDelete: true,
      canModerate: false,
    });
    expect(commentRights(moderator, comment)).toMatchObject({ canEdit: false, canDelete: true, canModerate: true });
    expect(canDeleteComment(member, comment)).toBe(false);
  });

  it('locks comments for members but not for the staff', () => {
    const locked = post({ commentsLocked: true });
    expect(canCommentOn(member, locked)).toBe(false);
    expect(canCommentOn(moderator, locked)).toBe(true);
    expect(canCommentOn(null, post())).toBe(false);
    expect(canCommentOn(member, post({ status: 'pending' }))).toBe(false);
  });

  it('bans only as staff, never an admin, never oneself', () => {
    expect(canBan(moderator, { id: 'member', role: 'member' })).toBe(true);
    expect(canBan(moderator, { id: 'admin', role: 'admin' })).toBe(false);
    expect(canBan(moderator, { id: 'mod', role: 'moderator' })).toBe(false);
    expect(canBan(member, { id: 'author', role: 'member' })).toBe(false);
    expect(canBan(admin, { id: 'mod', role: 'moderator' })).toBe(true);
  });

  it('keeps site settings and roles for admins, moderation for the staff', () => {
    expect([member, moderator, admin].map(canEditSiteSettings)).toEqual([false, false, true]);
    expect([member, moderator, admin].map(canChangeRoles)).toEqual([false, false, true]);
    expect([null, member, moderator, admin].map(canModerate)).toEqual([false, false, true, true]);
  });

  it('lets any logged-in reader report what others wrote', () => {
    expect(canReport(member, { authorId: 'author' })).toBe(true);
    expect(canReport(author, { authorId: 'author' })).toBe(false);
    expect(canReport(null, { authorId: 'author' })).toBe(false);
  });

  it('tags at the tagging karma, authors at any karma', () => {
    expect(canCreateTag(actorFor('x', { karma: TAGGING_KARMA - 1 }))).toBe(false);
    expect(canCreateTag(actorFor('x', { karma: TAGGING_KARMA }))).toBe(true);
    expect(canTagPost(author, { authorId: 'author' })).toBe(true);
    expect(canTagPost(member, { authorId: 'author' })).toBe(false);
  });

  it('writes the visibility rules as the partial indexes’ predicates', () => {
    expect(visiblePost('p')).toBe("p.status = 'published' AND p.deleted_at IS NULL");
    expect(visiblePost()).toBe("status = 'published' AND deleted_at IS NULL");
    expect(visibleComment('c')).toBe('NOT c.deleted');
    expect(liveTag('t')).toBe('t.deleted_at IS NULL AND t.merged_into_id IS NULL');
  });
});
