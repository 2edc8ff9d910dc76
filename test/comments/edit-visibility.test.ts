import { describe, expect, it } from 'vitest';
import { deletePost, savePost } from '../../src/posts/service.js';
import { TestClient, useTestApp } from '../helpers/app.js';
import { actorOf, makeComment, makePost, makeUser, TEST_PASSWORD } from '../helpers/factories.js';

const { db, app } = useTestApp();

/** A published post by one user with a comment by another, who is logged in. */
async function commentOnPost(title: string) {
  const postAuthor = await makeUser(db);
  const post = await makePost(db, { authorId: postAuthor.id, title });
  const commenter = await makeUser(db);
  const comment = await makeComment(db, { postId: post.id, authorId: commenter.id, markdown: 'My comment.' });
  const client = new TestClient(app);
  await client.logIn(commenter.username, TEST_PASSWORD);
  return { post, postAuthor: actorOf(postAuthor.id), comment, client };
}

const NOT_THERE = 'There is no post at this address.';

describe('editing a comment shows its post as the post page would', () => {
  it('is not found once the post is unpublished, and the old title is not shown', async () => {
    const { post, postAuthor, comment, client } = await commentOnPost('Soon a private draft');
    await savePost(db, postAuthor, post.id, { title: post.title, body: 'Back to a draft.', note: '' }, 'unpublish');

    const page = await client.get(`/comments/${comment.id}/edit`);
    expect(page.status).toBe(404);
    const html = await page.text();
    expect(html).toContain(NOT_THERE);
    expect(html).not.toContain('Soon a private draft');

    const save = await client.post(`/comments/${comment.id}/edit`, { body: 'Edited anyway', intent: 'submit' });
    expect(save.status).toBe(404);
    expect(await save.text()).not.toContain('Soon a private draft');
    const [row] = await db.query<{ body_markdown: string }>('SELECT body_markdown FROM comments WHERE id = $1', [
      comment.id,
    ]);
    expect(row!.body_markdown).toBe('My comment.');
  });

  it('is not found once the post is deleted', async () => {
    const { post, postAuthor, comment, client } = await commentOnPost('Soon deleted');
    await deletePost(db, postAuthor, post.id);
    const page = await client.get(`/comments/${comment.id}/edit`);
    expect(page.status).toBe(404);
    expect(await page.text()).not.toContain('Soon deleted');
  });

  it('shows the post’s current title after it is retitled', async () => {
    const { post, postAuthor, comment, client } = await commentOnPost('The first title');
    await savePost(
      db,
      postAuthor,
      post.id,
      { title: 'A better title', body: 'Revised text.', note: 'retitled' },
      'save',
    );
    const page = await client.get(`/comments/${comment.id}/edit`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('A better title');
    expect(html).not.toContain('The first title');
  });

  it('still lets the author of a draft edit their own comment on it', async () => {
    const author = await makeUser(db);
    const post = await makePost(db, { authorId: author.id, title: 'My own draft' });
    const comment = await makeComment(db, { postId: post.id, authorId: author.id });
    await savePost(db, actorOf(author.id), post.id, { title: post.title, body: 'Draft.', note: '' }, 'unpublish');
    const client = new TestClient(app);
    await client.logIn(author.username, TEST_PASSWORD);
    const page = await client.get(`/comments/${comment.id}/edit`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('My own draft');
  });

  it('answers someone else’s comment on a hidden post with the same 404, saying nothing of the comment', async () => {
    const { post, postAuthor, comment } = await commentOnPost('Hidden again');
    await savePost(db, postAuthor, post.id, { title: post.title, body: 'Draft.', note: '' }, 'unpublish');
    const stranger = await makeUser(db);
    const client = new TestClient(app);
    await client.logIn(stranger.username, TEST_PASSWORD);
    const page = await client.get(`/comments/${comment.id}/edit`);
    expect(page.status).toBe(404);
    expect(await page.text()).toContain(NOT_THERE);
  });
});
