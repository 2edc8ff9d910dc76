import { describe, expect, it } from 'vitest';
import { addComment, deleteComment } from '../../src/comments/service.js';
import { removeComment, removePost, restoreComment, restorePost } from '../../src/moderation/service.js';
import { actorFor } from '../../src/policy/actor.js';
import { deletePost } from '../../src/posts/service.js';
import { recountVotes } from '../../src/votes/recount.js';
import { useTestApp } from '../helpers/app.js';
import { makeComment, makePost, makeUser } from '../helpers/factories.js';
import { clientAs, logEntries, pageText, postState } from './helpers.js';

const { db, app } = useTestApp();

describe('removing and restoring a post', () => {
  it('shows the reason in place of the post (410) and restores it, logging both with the title', async () => {
    const { client, user } = await clientAs(app, db, 'moderator');
    const post = await makePost(db, { title: 'Spam offer', markdown: 'Buy cheap watches here.' });
    const removed = await client.post(`/moderation/posts/${post.id}/remove`, { reason: 'Advertising' });
    expect(removed.status).toBe(303);
    const page = await app.request(`/posts/${post.id}/${post.slug}`);
    expect(page.status).toBe(410);
    const html = await page.text();
    expect(html).toContain('Removed by a moderator: Advertising');
    expect(html).toContain('Spam offer');
    expect(html).not.toContain('cheap watches');
    // Gone from lists, search and feeds like a deleted post.
    expect(await (await app.request('/?view=recent')).text()).not.toContain('Spam offer');
    expect(await (await app.request('/feed.xml')).text()).not.toContain('Spam offer');
    // The staff still see it, with a restore form.
    const staffView = await (await client.get(`/posts/${post.id}/${post.slug}`)).text();
    expect(staffView).toContain(`/moderation/posts/${post.id}/restore`);
    expect((await client.post(`/moderation/posts/${post.id}/restore`, { reason: 'Appeal upheld' })).status).toBe(303);
    expect((await app.request(`/posts/${post.id}/${post.slug}`)).status).toBe(200);
    const log = await logEntries(db, post.id);
    expect(log).toEqual([
      { action: 'remove-post', reason: 'Advertising', moderator_id: user.id, target_label: 'Spam offer' },
      { action: 'restore-post', reason: 'Appeal upheld', moderator_id: user.id, target_label: 'Spam offer' },
    ]);
  });

  it('keeps tag post counts exact through removal and restore, as npm run recount finds', async () => {
    const moderator = actorFor((await makeUser(db, { role: 'moderator' })).id, { role: 'moderator' });
    const post = await makePost(db);
    const [tag] = await db.query<{ id: string }>(
      `INSERT INTO tags (id, name, slug, created_by) VALUES ('tagRemovalTest001', 'Removal test', 'removal-test', $1)
       RETURNING id`,
      [post.authorId],
    );
    await db.query('INSERT INTO post_tags (post_id, tag_id, applied_by) VALUES ($1, $2, $3)', [
      post.id,
      tag!.id,
      post.authorId,
    ]);
    const count = async () =>
      (await db.query<{ n: number }>('SELECT post_count AS n FROM tags WHERE id = $1', [tag!.id]))[0]!.n;
    expect(await count()).toBe(1);
    await removePost(db, moderator, post.id, 'Off topic');
    expect(await count()).toBe(0);
    await restorePost(db, moderator, post.id, 'On topic after all');
    expect(await count()).toBe(1);
    expect(await recountVotes(db)).toEqual([]);
  });

  it('refuses to restore a post never removed, or one its author deleted, logging nothing', async () => {
    const { client } = await clientAs(app, db, 'moderator');
    const live = await makePost(db);
    const never = await client.post(`/moderation/posts/${live.id}/restore`, { reason: 'Why not' });
    expect(never.status).toBe(409);
    expect(await never.text()).toContain('never removed');
    const authorDeleted = await makePost(db);
    await deletePost(db, actorFor(authorDeleted.authorId), authorDeleted.id);
    const theirs = await client.post(`/moderation/posts/${authorDeleted.id}/restore`, { reason: 'Bring it back' });
    expect(theirs.status).toBe(409);
    expect(await theirs.text()).toContain('deleted by its author');
    expect((await postState(db, authorDeleted.id)).deleted).toBe(true);
    // Removing twice is refused too.
    await client.post(`/moderation/posts/${live.id}/remove`, { reason: 'First' });
    expect((await client.post(`/moderation/posts/${live.id}/remove`, { reason: 'Second' })).status).toBe(409);
    expect(await logEntries(db, live.id)).toHaveLength(1);
    expect(await logEntries(db, authorDeleted.id)).toEqual([]);
  });

  it('refuses a member crafting the form, a missing reason and an oversized one, changing nothing', async () => {
    const post = await makePost(db, { title: 'Target' });
    const { client: member } = await clientAs(app, db, 'member');
    const crafted = await member.post(`/moderation/posts/${post.id}/remove`, { reason: 'I dislike it' });
    expect(crafted.status).toBe(403);
    expect(await crafted.text()).toContain('Only moderators and admins');
    const anonymous = await app.request(`/moderation/posts/${post.id}/remove`, { method: 'POST' });
    expect(anonymous.status).toBe(403);
    const { client } = await clientAs(app, db, 'moderator');
    const empty = await client.post(`/moderation/posts/${post.id}/remove`, { reason: '   ' });
    expect(empty.status).toBe(422);
    expect(await empty.text()).toContain('Write a reason');
    const missing = await client.post(`/moderation/posts/${post.id}/remove`, {});
    expect(missing.status).toBe(422);
    expect(await missing.text()).toContain('reason is missing');
    const long = 'x'.repeat(501);
    const oversized = await client.post(`/moderation/posts/${post.id}/remove`, { reason: long });
    expect(oversized.status).toBe(422);
    const text = await oversized.text();
    expect(text).toContain('too long');
    expect(text).toContain(long); // the input is shown again
    expect((await client.post(`/moderation/posts/${post.id}/explode`, { reason: 'x' })).status).toBe(404);
    expect((await client.post('/moderation/posts/nonexistentpost01/remove', { reason: 'x' })).status).toBe(404);
    expect((await postState(db, post.id)).deleted).toBe(false);
    expect(await logEntries(db, post.id)).toEqual([]);
  });
});

describe('removing and restoring a comment', () => {
  it('keeps its place with the reason, hides its text everywhere, and restores it with exact counts', async () => {
    const { client } = await clientAs(app, db, 'admin');
    const post = await makePost(db, { title: 'Thread' });
    const parent = await makeComment(db, { postId: post.id, markdown: 'Rude remark about zebras' });
    const reply = await makeComment(db, { postId: post.id, parentId: parent.id, markdown: 'A calm reply' });
    expect((await postState(db, post.id)).comment_count).toBe(2);
    expect((await client.post(`/moderation/comments/${parent.id}/remove`, { reason: 'Insults' })).status).toBe(303);
    let state = await postState(db, post.id);
    expect(state.comment_count).toBe(1);
    expect(state.comment_count).toBe(state.live_comments);
    const [row] = await db.query<{ body_markdown: string; excerpt: string; deleted: boolean }>(
      'SELECT body_markdown, excerpt, deleted FROM comments WHERE id = $1',
      [parent.id],
    );
    expect(row).toEqual({ body_markdown: '', excerpt: '', deleted: true });
    const html = await (await app.request(`/posts/${post.id}/${post.slug}`)).text();
    expect(html).toContain('Removed by a moderator: Insults');
    expect(html).not.toContain('zebras');
    expect(html).toContain('A calm reply');
    expect(html.indexOf(`comment-${parent.id}`)).toBeLessThan(html.indexOf(`comment-${reply.id}`));
    expect(await (await app.request('/')).text()).not.toContain('zebras');
    expect(await (await app.request(`/search?q=zebras`)).text()).not.toContain('Rude remark');
    expect((await client.post(`/moderation/comments/${parent.id}/restore`, { reason: 'Misread it' })).status).toBe(303);
    state = await postState(db, post.id);
    expect(state.comment_count).toBe(2);
    expect(state.comment_count).toBe(state.live_comments);
    expect(await (await app.request(`/posts/${post.id}/${post.slug}`)).text()).toContain('zebras');
    expect(await db.query('SELECT 1 FROM removed_comment_texts WHERE comment_id = $1', [parent.id])).toEqual([]);
    expect((await logEntries(db, parent.id)).map((e) => [e.action, e.target_label])).toEqual([
      ['remove-comment', 'comment on Thread'],
      ['restore-comment', 'comment on Thread'],
    ]);
    expect(await recountVotes(db)).toEqual([]);
  });

  it("refuses to restore an author's own deletion (its text is gone) and a comment never removed", async () => {
    const moderator = actorFor((await makeUser(db, { role: 'moderator' })).id, { role: 'moderator' });
    const comment = await makeComment(db);
    await expect(restoreComment(db, moderator, comment.id, 'x')).rejects.toThrow('never removed');
    await deleteComment(db, actorFor(comment.authorId), comment.id);
    await expect(restoreComment(db, moderator, comment.id, 'x')).rejects.toThrow('deleted by its author');
    await expect(removeComment(db, moderator, comment.id, 'x')).rejects.toThrow('deleted by its author');
    expect(await logEntries(db, comment.id)).toEqual([]);
  });

  it('shows staff the remove and restore controls, and nobody else', async () => {
    const post = await makePost(db);
    const comment = await makeComment(db, { postId: post.id });
    const removed = await makeComment(db, { postId: post.id });
    const moderator = actorFor((await makeUser(db, { role: 'moderator' })).id, { role: 'moderator' });
    await removeComment(db, moderator, removed.id, 'Spam');
    const path = `/posts/${post.id}/${post.slug}`;
    const { client: staff } = await clientAs(app, db, 'moderator');
    const { client: member } = await clientAs(app, db, 'member');
    for (const encoding of ['gzip', 'identity']) {
      const staffHtml = await pageText(await staff.get(path, { 'accept-encoding': encoding }));
      expect(staffHtml).toContain(`/moderation/comments/${comment.id}/remove`);
      expect(staffHtml).toContain(`/moderation/comments/${removed.id}/restore`);
      const memberHtml = await pageText(await member.get(path, { 'accept-encoding': encoding }));
      expect(memberHtml).not.toContain('/moderation/comments/');
      expect(memberHtml).not.toContain('/moderation/posts/');
    }
    const anonymous = await (await app.request(path)).text();
    expect(anonymous).not.toContain('/moderation/');
  });

  it('lets a new comment in after a restore without breaking the count', async () => {
    const moderator = actorFor((await makeUser(db, { role: 'moderator' })).id, { role: 'moderator' });
    const post = await makePost(db);
    const first = await makeComment(db, { postId: post.id });
    await removeComment(db, moderator, first.id, 'r');
    await addComment(db, { postId: post.id, authorId: (await makeUser(db)).id, markdown: 'Another' });
    await restoreComment(db, moderator, first.id, 'r');
    const state = await postState(db, post.id);
    expect(state.comment_count).toBe(2);
    expect(state.live_comments).toBe(2);
  });
});
