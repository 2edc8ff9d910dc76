import { describe, expect, it } from 'vitest';
import { removeComment, removePost, setCommentsLocked } from '../../src/moderation/service.js';
import { actorFor } from '../../src/policy/actor.js';
import { late, TestClient, useTestApp } from '../helpers/app.js';
import { eventually } from '../helpers/eventually.js';
import { makeComment, makePost, makeUser } from '../helpers/factories.js';
import { clientAs } from './helpers.js';

// With the page cache on: what staff see never reaches a cached page, and a moderator's change drops the pages
// that showed what changed (the posts and comments triggers announce it).
const { db, app } = useTestApp({ PAGE_CACHE_TTL_MS: '60000' });

/** A logged-out reader (a browser keeps the CSRF cookie, as the page cache expects). */
let browser: TestClient | undefined;
const reader = late(() => {
  browser ??= new TestClient(app);
  return browser;
});

async function cachedPage(path: string): Promise<string> {
  let text = '';
  await eventually(async () => {
    const response = await reader.get(path);
    text = await response.text();
    return response.headers.get('x-cache') === 'hit';
  });
  return text;
}

describe('moderation and the page cache', () => {
  it('never serves staff controls to a logged-out reader, even after staff viewed the page', async () => {
    const post = await makePost(db);
    await makeComment(db, { postId: post.id });
    const path = `/posts/${post.id}/${post.slug}`;
    const { client } = await clientAs(app, db, 'admin');
    const staffView = await (await client.get(path, { 'accept-encoding': 'identity' })).text();
    expect(staffView).toContain('/moderation/comments/');
    expect(staffView).toContain(`/moderation/posts/${post.id}/remove`);
    const anonymous = await cachedPage(path);
    expect(anonymous).not.toContain('/moderation/');
  });

  it('drops a cached post page when a comment on it is removed, and when the post is removed or locked', async () => {
    const moderator = actorFor((await makeUser(db, { role: 'moderator' })).id, { role: 'moderator' });
    const post = await makePost(db, { title: 'Cached discussion' });
    const comment = await makeComment(db, { postId: post.id, markdown: 'Offensive llama remark' });
    const path = `/posts/${post.id}/${post.slug}`;
    expect(await cachedPage(path)).toContain('llama');
    await removeComment(db, moderator, comment.id, 'Offensive');
    await eventually(async () => {
      const html = await (await reader.get(path)).text();
      return !html.includes('llama') && html.includes('Removed by a moderator: Offensive');
    });
    await setCommentsLocked(db, moderator, post.id, true, 'Enough');
    await eventually(async () => (await (await reader.get(path)).text()).includes('Comments on this post are locked.'));
    expect(await cachedPage('/')).toContain('Cached discussion');
    await removePost(db, moderator, post.id, 'Thread derailed');
    await eventually(async () => (await reader.get(path)).status === 410);
    await eventually(async () => !(await (await reader.get('/')).text()).includes('Cached discussion'), 5);
  });
});
