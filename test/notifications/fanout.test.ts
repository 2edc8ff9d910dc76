import { describe, expect, it } from 'vitest';
import { addComment } from '../../src/comments/service.js';
import { removeComment, removePost, restoreComment } from '../../src/moderation/service.js';
import { savePost } from '../../src/posts/service.js';
import { approveComment, approvePost } from '../../src/review/service.js';
import { addPostToSequence } from '../../src/sequences/service.js';
import { applyTag } from '../../src/tags/links-service.js';
import { useTestDatabase } from '../helpers/app.js';
import { actorOf, makeComment, makePost, makeUser } from '../helpers/factories.js';
import { makeSequence } from '../sequences/helpers.js';
import { linkPost, makeTag, makeTagger } from '../tags/tags-helpers.js';
import { notificationsOf, reached, subscribe, unreadCount } from './helpers.js';

const { db } = useTestDatabase();

describe('notifications of a new comment', () => {
  it('tells the post’s author of a comment and the parent’s author of a reply, never the commenter', async () => {
    const [alice, bob, carol] = [await makeUser(db), await makeUser(db), await makeUser(db)];
    const post = await makePost(db, { authorId: alice.id });
    const top = await makeComment(db, { postId: post.id, authorId: bob.id });
    expect(await reached(db, top.id)).toEqual({ [alice.id]: 'post_comment' });

    const reply = await makeComment(db, { postId: post.id, parentId: top.id, authorId: carol.id });
    expect(await reached(db, reply.id)).toEqual({ [alice.id]: 'post_comment', [bob.id]: 'reply' });

    // Alice answering on her own post: Carol hears of a reply; Alice, the actor, of nothing.
    const own = await makeComment(db, { postId: post.id, parentId: reply.id, authorId: alice.id });
    expect(await reached(db, own.id)).toEqual({ [carol.id]: 'reply', [bob.id]: 'thread_comment' });
    expect(await unreadCount(db, alice.id)).toBe(2);
    expect(await unreadCount(db, bob.id)).toBe(2);
  });

  it('makes one notification of a reply that also mentions its addressee (the reply), linking the mention', async () => {
    const alice = await makeUser(db);
    const bob = await makeUser(db);
    const post = await makePost(db);
    const top = await makeComment(db, { postId: post.id, authorId: alice.id });
    const reply = await makeComment(db, {
      postId: post.id,
      parentId: top.id,
      authorId: bob.id,
      markdown: `Thanks @${alice.username}, and @${alice.username.toUpperCase()} again.`,
    });
    const rows = await notificationsOf(db, reply.id);
    expect(rows.filter((row) => row.user_id === alice.id)).toMatchObject([{ kind: 'reply', actor_id: bob.id }]);
    expect(await unreadCount(db, alice.id)).toBe(1);
    const [stored] = await db.query<{ body_html: string }>('SELECT body_html FROM comments WHERE id = $1', [reply.id]);
    expect(stored!.body_html).toContain(`<a href="/users/${alice.username}" class="mention">@${alice.username}</a>`);
  });

  it('mentions only members who exist, and never inside code or math', async () => {
    const alice = await makeUser(db);
    const bob = await makeUser(db);
    const carol = await makeUser(db);
    const post = await makePost(db);
    const comment = await makeComment(db, {
      postId: post.id,
      markdown: [
        `Hello @${alice.username} and @nobody_${alice.username} and mail@${alice.username}.org.`,
        '',
        `Code: \`@${bob.username}\` and math $@${bob.username}$`,
        '',
        '```',
        `@${carol.username}`,
        '```',
      ].join('\n'),
    });
    expect(await reached(db, comment.id)).toMatchObject({ [alice.id]: 'mention' });
    expect(Object.keys(await reached(db, comment.id))).not.toContain(bob.id);
    expect(Object.keys(await reached(db, comment.id))).not.toContain(carol.id);
    const [stored] = await db.query<{ body_html: string }>('SELECT body_html FROM comments WHERE id = $1', [
      comment.id,
    ]);
    expect(stored!.body_html.match(/class="mention"/g)).toHaveLength(1);
    expect(stored!.body_html).toContain(`<code>@${bob.username}</code>`);
  });

  it('tells subscribers of the post and of a comment above it, once each, and respects an author’s opt-out', async () => {
    const [author, watcher, threadWatcher, commenter] = [
      await makeUser(db),
      await makeUser(db),
      await makeUser(db),
      await makeUser(db),
    ];
    const post = await makePost(db, { authorId: author.id });
    const top = await makeComment(db, { postId: post.id, authorId: threadWatcher.id });
    const middle = await makeComment(db, { postId: post.id, parentId: top.id });
    await subscribe(db, watcher.id, 'post', post.id);
    await subscribe(db, watcher.id, 'comment', top.id);
    await subscribe(db, threadWatcher.id, 'comment', top.id);
    await subscribe(db, author.id, 'post', post.id, false);
    const deep = await makeComment(db, { postId: post.id, parentId: middle.id, authorId: commenter.id });
    expect(await reached(db, deep.id)).toEqual({
      [watcher.id]: 'thread_comment',
      [threadWatcher.id]: 'thread_comment',
      [middle.authorId]: 'reply',
    });
    // A comment elsewhere on the post reaches the post's subscriber only.
    const other = await makeComment(db, { postId: post.id, authorId: commenter.id });
    expect(await reached(db, other.id)).toEqual({ [watcher.id]: 'thread_comment' });
  });

  it('follows each member’s settings: off makes none, digest is kept for the digest', async () => {
    const alice = await makeUser(db);
    const bob = await makeUser(db);
    const post = await makePost(db, { authorId: alice.id });
    const top = await makeComment(db, { postId: post.id, authorId: bob.id });
    await db.query(`INSERT INTO notification_settings (user_id, kind, delivery) VALUES ($1, 'reply', 'off')`, [bob.id]);
    await db.query(
      `INSERT INTO notification_settings (user_id, kind, delivery) VALUES ($1, 'post_comment', 'digest')`,
      [alice.id],
    );
    const reply = await makeComment(db, { postId: post.id, parentId: top.id });
    expect(await notificationsOf(db, reply.id)).toMatchObject([{ user_id: alice.id, delivery: 'digest' }]);
    // Email stopped from an email's link: on the site only from then on.
    await db.query(`INSERT INTO mail_unsubscribes (user_id, topic) VALUES ($1, 'digest')`, [alice.id]);
    const next = await makeComment(db, { postId: post.id });
    expect(await notificationsOf(db, next.id)).toMatchObject([{ user_id: alice.id, delivery: 'site' }]);
  });
});

describe('notifications of a new post', () => {
  it('tells followers of the author and subscribers of its tags once, when it is published, not the author', async () => {
    const [author, follower, tagFan, both] = [
      await makeUser(db),
      await makeUser(db),
      await makeUser(db),
      await makeUser(db),
    ];
    const tag = await makeTag(db, { name: `Fan-out ${author.username}` });
    await subscribe(db, follower.id, 'user', author.id);
    await subscribe(db, both.id, 'user', author.id);
    await subscribe(db, tagFan.id, 'tag', tag.id);
    await subscribe(db, both.id, 'tag', tag.id);
    await subscribe(db, author.id, 'user', author.id);
    const post = await makePost(db, { authorId: author.id, publish: false, title: 'Fresh' });
    await linkPost(db, post.id, tag.id);
    expect(await reached(db, post.id)).toEqual({});
    const input = { title: 'Fresh', body: 'Now published.', note: '' };
    await savePost(db, actorOf(author.id), post.id, input, 'publish');
    const rows = await notificationsOf(db, post.id);
    expect(Object.fromEntries(rows.map((row) => [row.user_id, row.kind]))).toEqual({
      [follower.id]: 'followed_post',
      [both.id]: 'followed_post',
      [tagFan.id]: 'subscribed_post',
    });
    expect(rows.find((row) => row.user_id === tagFan.id)!.detail).toBe(`tagged ${tag.name}`);
    // Unpublished and published again: nobody hears twice.
    await savePost(db, actorOf(author.id), post.id, input, 'unpublish');
    await savePost(db, actorOf(author.id), post.id, input, 'publish');
    expect(await notificationsOf(db, post.id)).toHaveLength(3);
  });

  it('tells members a post mentions, and those a revision newly mentions', async () => {
    const [author, named, later] = [await makeUser(db), await makeUser(db), await makeUser(db)];
    const post = await makePost(db, { authorId: author.id, markdown: `Thanks to @${named.username}.` });
    expect(await reached(db, post.id)).toEqual({ [named.id]: 'mention' });
    const input = { title: post.title, body: `Thanks to @${named.username} and @${later.username}.`, note: '' };
    await savePost(db, actorOf(author.id), post.id, input, 'save');
    expect(await reached(db, post.id)).toEqual({ [named.id]: 'mention', [later.id]: 'mention' });
  });

  it('tells a tag’s subscribers of a published post newly tagged, not the tagger, and nobody twice', async () => {
    const [author, fan, tagger, follower] = [
      await makeUser(db),
      await makeUser(db),
      await makeTagger(db),
      await makeUser(db),
    ];
    const tag = await makeTag(db, { name: `Later ${author.username}` });
    await subscribe(db, fan.id, 'tag', tag.id);
    await subscribe(db, tagger.id, 'tag', tag.id);
    await subscribe(db, follower.id, 'tag', tag.id);
    await subscribe(db, follower.id, 'user', author.id);
    const post = await makePost(db, { authorId: author.id });
    expect(await reached(db, post.id)).toEqual({ [follower.id]: 'followed_post' });
    await applyTag(db, actorOf(tagger), post.id, tag.id);
    expect(await reached(db, post.id)).toEqual({ [follower.id]: 'followed_post', [fan.id]: 'subscribed_post' });
  });

  it('tells a sequence’s subscribers of a post added to it', async () => {
    const author = await makeUser(db);
    const fan = await makeUser(db);
    const sequence = await makeSequence(db, author.id, { One: ['First'] });
    await subscribe(db, fan.id, 'sequence', sequence.id);
    const post = await makePost(db, { authorId: author.id, title: 'Second' });
    await addPostToSequence(db, actorOf(author.id), { sequenceId: sequence.id, postId: post.id });
    expect(await notificationsOf(db, post.id)).toMatchObject([
      { user_id: fan.id, kind: 'subscribed_post', detail: 'in the sequence A sequence' },
    ]);
  });
});

describe('notifications of what waited for review', () => {
  it('makes none while a comment or post waits, and the usual ones when a moderator approves it', async () => {
    const moderator = actorOf(await makeUser(db, { role: 'moderator' }), { role: 'moderator' });
    const [alice, follower, newcomer] = [await makeUser(db), await makeUser(db), await makeUser(db)];
    const post = await makePost(db, { authorId: alice.id });
    const { id: commentId } = await addComment(db, {
      postId: post.id,
      authorId: newcomer.id,
      markdown: `First words, @${alice.username}.`,
      hold: true,
    });
    expect(await reached(db, commentId)).toEqual({});
    await approveComment(db, moderator, commentId);
    expect(await reached(db, commentId)).toEqual({ [alice.id]: 'mention' });

    await subscribe(db, follower.id, 'user', newcomer.id);
    const held = await makePost(db, { authorId: newcomer.id, publish: false, title: 'Held' });
    await savePost(db, actorOf(newcomer.id), held.id, { title: 'Held', body: 'Waiting.', note: '' }, 'publish', {
      hold: true,
    });
    expect(await reached(db, held.id)).toEqual({});
    await approvePost(db, moderator, held.id);
    expect(await reached(db, held.id)).toEqual({ [follower.id]: 'followed_post' });
  });
});

describe('notifications of moderators’ actions', () => {
  it('tells the author of a removed or restored post or comment, with the reason', async () => {
    const moderator = actorOf(await makeUser(db, { role: 'moderator' }), { role: 'moderator' });
    const author = await makeUser(db);
    const comment = await makeComment(db, { authorId: author.id });
    await removeComment(db, moderator, comment.id, 'Off topic.');
    await restoreComment(db, moderator, comment.id, 'On appeal.');
    const post = await makePost(db, { authorId: author.id });
    await removePost(db, moderator, post.id, 'Spam.');
    const rows = await db.query<{ kind: string; detail: string; actor_id: string; comment_id: string | null }>(
      `SELECT kind, detail, actor_id, comment_id FROM notifications
        WHERE user_id = $1 AND kind = 'moderation' ORDER BY created_at, detail`,
      [author.id],
    );
    expect(rows.map((row) => row.detail).sort()).toEqual([
      'removed your comment: Off topic.',
      'removed your post: Spam.',
      'restored your comment: On appeal.',
    ]);
    expect(rows.every((row) => row.actor_id === moderator.id)).toBe(true);
  });

  it('tells nobody of a moderator acting on their own content', async () => {
    const user = await makeUser(db, { role: 'moderator' });
    const post = await makePost(db, { authorId: user.id });
    await removePost(db, actorOf(user, { role: 'moderator' }), post.id, 'Mine.');
    expect(await unreadCount(db, user.id)).toBe(0);
  });
});
