import { describe, expect, it } from 'vitest';
import { addComment } from '../../src/comments/service.js';
import { postList } from '../../src/frontpage/queries.js';
import { setCommentsLocked, setFrontpage } from '../../src/moderation/service.js';
import { actorFor } from '../../src/policy/actor.js';
import { useTestApp } from '../helpers/app.js';
import { makeComment, makePost, makeUser } from '../helpers/factories.js';
import { clientAs, logEntries, postState } from './helpers.js';

const { db, app } = useTestApp();

describe('locking a post’s comments', () => {
  it('replaces the comment box and refuses new comments and replies, until unlocked', async () => {
    const { client: moderator } = await clientAs(app, db, 'moderator');
    const { client: member } = await clientAs(app, db, 'member');
    const post = await makePost(db, { title: 'Heated' });
    const parent = await makeComment(db, { postId: post.id });
    expect((await moderator.post(`/moderation/posts/${post.id}/lock`, { reason: 'Cooling off' })).status).toBe(303);
    const page = await (await member.get(`/posts/${post.id}/${post.slug}`)).text();
    expect(page).toContain('Comments on this post are locked.');
    expect(page).not.toContain(`action="/posts/${post.id}/comments"`);
    const added = await member.post(`/posts/${post.id}/comments`, { body: 'But wait', intent: 'submit' });
    expect(added.status).toBe(403);
    expect(await added.text()).toContain('Comments on this post are locked.');
    const reply = await member.post(`/posts/${post.id}/comments`, {
      body: 'A reply',
      parentId: parent.id,
      intent: 'submit',
    });
    expect(reply.status).toBe(403);
    expect((await postState(db, post.id)).comment_count).toBe(1);
    // Locking twice says so and logs nothing more.
    expect((await moderator.post(`/moderation/posts/${post.id}/lock`, { reason: 'Again' })).status).toBe(409);
    expect((await moderator.post(`/moderation/posts/${post.id}/unlock`, { reason: 'Calm now' })).status).toBe(303);
    expect((await member.post(`/posts/${post.id}/comments`, { body: 'Thanks', intent: 'submit' })).status).toBe(303);
    expect((await logEntries(db, post.id)).map((e) => e.action)).toEqual(['lock-comments', 'unlock-comments']);
  });

  it('refuses in the comments service itself, whatever the caller, except staff', async () => {
    const staff = actorFor((await makeUser(db, { role: 'admin' })).id, { role: 'admin' });
    const post = await makePost(db);
    await setCommentsLocked(db, staff, post.id, true, 'Locked');
    const author = await makeUser(db);
    await expect(addComment(db, { postId: post.id, authorId: author.id, markdown: 'Hi' })).rejects.toThrow(
      'Comments on this post are locked.',
    );
    const member = actorFor(author.id);
    await expect(setCommentsLocked(db, member, post.id, false, 'Unlock it')).rejects.toThrow('Only moderators');
    // A new member's comment that would wait for review is refused at once too.
    await expect(
      addComment(db, { postId: post.id, authorId: author.id, markdown: 'Held', hold: true }),
    ).rejects.toThrow('Comments on this post are locked.');
    expect(await db.query('SELECT 1 FROM pending_comments WHERE post_id = $1', [post.id])).toEqual([]);
    // Staff may still write there, to explain the lock (policy.canCommentOn).
    await addComment(db, { postId: post.id, authorId: staff.id, markdown: 'Locked while we sort this out.' });
    expect((await postState(db, post.id)).comments_locked).toBe(true);
  });
});

describe('frontpage or personal blog', () => {
  it('takes a personal blog post off the frontpage lists only, and says so on the post', async () => {
    const { client } = await clientAs(app, db, 'moderator');
    const post = await makePost(db, { title: 'Musings on my garden' });
    expect((await client.post(`/moderation/posts/${post.id}/personal`, { reason: 'Not on topic' })).status).toBe(303);
    for (const view of ['magic', 'recent', 'top']) {
      const list = await postList(db, view as 'magic', 'all', 100);
      expect(list.map((p) => p.id)).not.toContain(post.id);
      const page = await (await app.request(`/?view=${view}`)).text();
      // The list, not Recent Discussion, which shows personal blog posts' conversations too.
      const [lists, discussion] = page.split('id="discussion-heading"');
      expect(lists).not.toContain('Musings on my garden');
      expect(discussion).toContain('Musings on my garden');
    }
    const author = await db.query<{ username: string }>('SELECT username FROM users WHERE id = $1', [post.authorId]);
    const profile = await (await app.request(`/users/${author[0]!.username}`)).text();
    expect(profile).toContain('Musings on my garden');
    expect(await (await app.request('/feed.xml')).text()).toContain('Musings on my garden');
    expect(await (await app.request('/search?q=garden')).text()).toContain('Musings on my garden');
    expect(await (await app.request(`/posts/${post.id}/${post.slug}`)).text()).toContain('Personal blog');
    expect((await client.post(`/moderation/posts/${post.id}/frontpage`, { reason: 'Good after all' })).status).toBe(
      303,
    );
    expect((await postList(db, 'recent', 'all', 100)).map((p) => p.id)).toContain(post.id);
    expect((await logEntries(db, post.id)).map((e) => e.action)).toEqual([
      'move-to-personal-blog',
      'move-to-frontpage',
    ]);
  });

  it('refuses a move to where the post already is, and a member', async () => {
    const staff = actorFor((await makeUser(db, { role: 'moderator' })).id, { role: 'moderator' });
    const post = await makePost(db);
    await expect(setFrontpage(db, staff, post.id, true, 'x')).rejects.toThrow('already on the frontpage');
    await expect(setFrontpage(db, actorFor(post.authorId), post.id, false, 'x')).rejects.toThrow('Only moderators');
    expect(await logEntries(db, post.id)).toEqual([]);
  });
});
