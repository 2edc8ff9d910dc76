import { describe, expect, it } from 'vitest';
import { deleteComment } from '../../src/comments/service.js';
import { newId } from '../../src/db/ids.js';
import { actorFor, type Role } from '../../src/policy/actor.js';
import { TestClient, useTestApp } from '../helpers/app.js';
import { eventually } from '../helpers/eventually.js';
import { makeComment, makePost, makeUser } from '../helpers/factories.js';

const { db, app } = useTestApp();

async function loggedIn(options: { role?: Role } = {}) {
  const user = await makeUser(db, options);
  const client = new TestClient(app);
  await client.logIn(user.username, user.password);
  return { user, client };
}

async function reportsOn(targetId: string) {
  return db.query<{ reporter_id: string; reason: string; resolved_at: Date | null; resolution_note: string }>(
    'SELECT reporter_id, reason, resolved_at, resolution_note FROM reports WHERE target_id = $1',
    [targetId],
  );
}

async function logRows(targetId: string) {
  return db.query<{ action: string; reason: string; target_label: string; moderator_id: string }>(
    'SELECT action, reason, target_label, moderator_id FROM moderation_log WHERE target_id = $1',
    [targetId],
  );
}

describe('reporting a post or a comment', () => {
  it('files a report on a post with a reason and lists it on "Your reports" as open', async () => {
    const post = await makePost(db, { title: 'Reportable' });
    const { user, client } = await loggedIn();
    const form = await client.get(`/reports/post/${post.id}`);
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('Reportable');
    const sent = await client.post(`/reports/post/${post.id}`, { reason: 'Spam links throughout.' });
    expect(sent.status).toBe(303);
    expect(sent.headers.get('location')).toBe('/reports?sent=1');
    const rows = await reportsOn(post.id);
    expect(rows).toMatchObject([{ reporter_id: user.id, reason: 'Spam links throughout.', resolved_at: null }]);
    const page = await (await client.get('/reports?sent=1')).text();
    expect(page).toContain('your report was sent');
    expect(page).toContain('Reportable');
    expect(page).toContain('Open');
  });

  it('files a report on a comment', async () => {
    const comment = await makeComment(db, { markdown: 'A rude remark' });
    const { client } = await loggedIn();
    const form = await (await client.get(`/reports/comment/${comment.id}`)).text();
    expect(form).toContain('A rude remark');
    expect((await client.post(`/reports/comment/${comment.id}`, { reason: 'Insulting.' })).status).toBe(303);
    expect(await reportsOn(comment.id)).toHaveLength(1);
  });

  it('shows Report on posts and comments to other readers, never on their own', async () => {
    const { user: author, client: authorClient } = await loggedIn();
    const post = await makePost(db, { authorId: author.id, title: 'Links here' });
    const theirs = await makeComment(db, { postId: post.id });
    const mine = await makeComment(db, { postId: post.id, authorId: author.id });
    const path = `/posts/${post.id}/links-here`;

    const reader = await loggedIn();
    const seen = await (await reader.client.get(path)).text();
    expect(seen).toContain(`/reports/post/${post.id}`);
    expect(seen).toContain(`/reports/comment/${theirs.id}`);
    expect(seen).toContain(`/reports/comment/${mine.id}`);

    const own = await (await authorClient.get(path)).text();
    expect(own).not.toContain(`/reports/post/${post.id}`);
    expect(own).not.toContain(`/reports/comment/${mine.id}`);
    expect(own).toContain(`/reports/comment/${theirs.id}`);

    const anonymous = await (await new TestClient(app).get(path)).text();
    expect(anonymous).toContain(`/reports/comment/${theirs.id}`);
    expect(anonymous).toContain(`/reports/post/${post.id}`);
  });

  it('sends a logged-out reader to log in first, and refuses a logged-out report', async () => {
    const post = await makePost(db);
    const client = new TestClient(app);
    const form = await client.get(`/reports/post/${post.id}`);
    expect(form.status).toBe(302);
    expect(form.headers.get('location')).toBe(`/login?next=${encodeURIComponent(`/reports/post/${post.id}`)}`);
    const sent = await client.post(`/reports/post/${post.id}`, { reason: 'Spam' });
    expect(sent.status).toBe(403);
    expect(await sent.text()).toContain('Log in to report');
    expect(await reportsOn(post.id)).toHaveLength(0);
  });

  it('refuses a missing, blank or oversized reason, naming the field and keeping the text', async () => {
    const post = await makePost(db);
    const { client } = await loggedIn();
    const missing = await client.post(`/reports/post/${post.id}`, {});
    expect(missing.status).toBe(422);
    expect(await missing.text()).toContain('reason is missing');
    const blank = await client.post(`/reports/post/${post.id}`, { reason: '   ' });
    expect(blank.status).toBe(422);
    expect(await blank.text()).toContain('the reason is required');
    const long = `Too long ${'x'.repeat(1000)}`;
    const oversized = await client.post(`/reports/post/${post.id}`, { reason: long });
    expect(oversized.status).toBe(422);
    const page = await oversized.text();
    expect(page).toContain('The reason must be at most 1,000 characters.');
    expect(page).toContain(long);
    expect(await reportsOn(post.id)).toHaveLength(0);
  });

  it('refuses a second report while the first is open (409), and takes a new one once it is resolved', async () => {
    const post = await makePost(db);
    const { client } = await loggedIn();
    expect((await client.post(`/reports/post/${post.id}`, { reason: 'First' })).status).toBe(303);
    const again = await client.post(`/reports/post/${post.id}`, { reason: 'Second' });
    expect(again.status).toBe(409);
    const page = await again.text();
    expect(page).toContain('You have already reported this post');
    expect(page).toContain('Second');
    expect(await reportsOn(post.id)).toHaveLength(1);

    await db.query(`UPDATE reports SET resolved_at = now() WHERE target_id = $1`, [post.id]);
    expect((await client.post(`/reports/post/${post.id}`, { reason: 'Third' })).status).toBe(303);
    expect(await reportsOn(post.id)).toHaveLength(2);
  });

  it('refuses reporting your own post or comment', async () => {
    const { user, client } = await loggedIn();
    const post = await makePost(db, { authorId: user.id });
    const comment = await makeComment(db, { authorId: user.id });
    expect((await client.get(`/reports/post/${post.id}`)).status).toBe(403);
    const ownPost = await client.post(`/reports/post/${post.id}`, { reason: 'Me' });
    expect(ownPost.status).toBe(403);
    expect(await ownPost.text()).toContain('You cannot report your own post.');
    const ownComment = await client.post(`/reports/comment/${comment.id}`, { reason: 'Me' });
    expect(ownComment.status).toBe(403);
    expect(await ownComment.text()).toContain('You cannot report your own comment.');
    expect(await reportsOn(post.id)).toHaveLength(0);
    expect(await reportsOn(comment.id)).toHaveLength(0);
  });

  it('refuses targets that do not exist, are deleted or are not published (404)', async () => {
    const { client } = await loggedIn();
    const deletedPost = await makePost(db);
    await db.query('UPDATE posts SET deleted_at = now() WHERE id = $1', [deletedPost.id]);
    const draft = await makePost(db, { publish: false });
    const comment = await makeComment(db);
    await deleteComment(db, actorFor(comment.authorId), comment.id);
    for (const path of [
      `/reports/post/${newId()}`,
      '/reports/post/not-an-id',
      `/reports/post/${deletedPost.id}`,
      `/reports/post/${draft.id}`,
      `/reports/comment/${newId()}`,
      `/reports/comment/${comment.id}`,
    ]) {
      const answer = await client.post(path, { reason: 'Gone?' });
      expect(answer.status, path).toBe(404);
      expect((await client.get(path)).status, path).toBe(404);
    }
    const [count] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM reports WHERE target_id = ANY($1)', [
      [deletedPost.id, draft.id, comment.id],
    ]);
    expect(count!.n).toBe(0);
  });
});

describe('the moderators’ queue of reports', () => {
  it('is for staff only: members are refused, logged-out readers sent to log in', async () => {
    expect((await new TestClient(app).get('/moderation')).headers.get('location')).toBe('/login?next=%2Fmoderation');
    const member = await loggedIn();
    expect((await member.client.get('/moderation')).status).toBe(403);
    const moderator = await loggedIn({ role: 'moderator' });
    expect((await moderator.client.get('/moderation')).status).toBe(200);
    const admin = await loggedIn({ role: 'admin' });
    expect((await admin.client.get('/moderation')).status).toBe(200);
  });

  it('lists open reports oldest first, with target, reporter, reason and time', async () => {
    const older = await makePost(db, { title: 'Older report target' });
    const newer = await makeComment(db, { markdown: 'Newer report target' });
    const first = await loggedIn();
    const second = await loggedIn();
    await first.client.post(`/reports/post/${older.id}`, { reason: 'Reason number one' });
    await db.query(`UPDATE reports SET created_at = now() - interval '1 hour' WHERE target_id = $1`, [older.id]);
    await second.client.post(`/reports/comment/${newer.id}`, { reason: 'Reason number two' });
    const { client } = await loggedIn({ role: 'moderator' });
    const page = await (await client.get('/moderation')).text();
    expect(page.indexOf('Reason number one')).toBeGreaterThan(0);
    expect(page.indexOf('Reason number one')).toBeLessThan(page.indexOf('Reason number two'));
    expect(page).toContain('Older report target');
    expect(page).toContain(first.user.username);
    expect(page).toContain(second.user.username);
    expect(page).toContain(`/comment/${newer.id}`);
  });

  it('resolves a report with a note the reporter reads, logged without the reporter, once', async () => {
    const post = await makePost(db, { title: 'Resolve me' });
    const reporter = await loggedIn();
    await reporter.client.post(`/reports/post/${post.id}`, { reason: 'Off topic' });
    const [report] = await db.query<{ id: string }>('SELECT id FROM reports WHERE target_id = $1', [post.id]);
    // No link in the header while nothing is resolved.
    expect(await (await reporter.client.get('/')).text()).not.toContain('Your reports (');

    const moderator = await loggedIn({ role: 'moderator' });
    const resolved = await moderator.client.post(`/moderation/reports/${report!.id}/resolve`, {
      note: 'Moved it to the personal blog.',
    });
    expect(resolved.status).toBe(303);
    const [row] = await db.query<{ resolved_at: Date | null; resolved_by: string; resolution_note: string }>(
      'SELECT resolved_at, resolved_by, resolution_note FROM reports WHERE id = $1',
      [report!.id],
    );
    expect(row!.resolved_at).not.toBeNull();
    expect(row!.resolved_by).toBe(moderator.user.id);
    expect(row!.resolution_note).toBe('Moved it to the personal blog.');
    const log = await logRows(report!.id);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ action: 'resolve-report', reason: 'Moved it to the personal blog.' });
    expect(log[0]!.target_label).toContain('Resolve me');
    expect(log[0]!.target_label).not.toContain(reporter.user.username);
    expect(await (await moderator.client.get('/moderation')).text()).not.toContain('Off topic');

    // The reporter is told: a header link, the note on their page, and the link gone once read.
    const home = await (await reporter.client.get('/')).text();
    expect(home).toContain('Your reports (1 resolved)');
    const mine = await (await reporter.client.get('/reports')).text();
    expect(mine).toContain('Resolved');
    expect(mine).toContain('Moved it to the personal blog.');
    expect(await (await reporter.client.get('/')).text()).not.toContain('Your reports (');

    const twice = await moderator.client.post(`/moderation/reports/${report!.id}/resolve`, { note: 'Again' });
    expect(twice.status).toBe(409);
    expect(await twice.text()).toContain('This report has been resolved already.');
    expect(await logRows(report!.id)).toHaveLength(1);
  });

  it('refuses an oversized note, a member resolving and an unknown report, changing nothing', async () => {
    const post = await makePost(db);
    const reporter = await loggedIn();
    await reporter.client.post(`/reports/post/${post.id}`, { reason: 'Bad' });
    const [report] = await db.query<{ id: string }>('SELECT id FROM reports WHERE target_id = $1', [post.id]);
    const moderator = await loggedIn({ role: 'moderator' });
    const long = 'n'.repeat(1001);
    const oversized = await moderator.client.post(`/moderation/reports/${report!.id}/resolve`, { note: long });
    expect(oversized.status).toBe(422);
    const page = await oversized.text();
    expect(page).toContain('The note must be at most 1,000 characters.');
    expect(page).toContain(long);
    const member = await loggedIn();
    const crafted = await member.client.post(`/moderation/reports/${report!.id}/resolve`, { note: 'Done' });
    expect(crafted.status).toBe(403);
    expect((await moderator.client.post(`/moderation/reports/${newId()}/resolve`, { note: '' })).status).toBe(404);
    expect((await reportsOn(post.id))[0]!.resolved_at).toBeNull();
    expect(await logRows(report!.id)).toHaveLength(0);
  });
});

describe('the reporter’s header link with caching on', () => {
  const test = useTestApp({ PAGE_CACHE_TTL_MS: '60000' });

  it('appears on a cached page once a report is resolved, and goes once read', async () => {
    const user = await makeUser(test.db);
    const client = new TestClient(test.app);
    await client.logIn(user.username, user.password);
    const moderator = await makeUser(test.db, { role: 'moderator' });
    const modClient = new TestClient(test.app);
    await modClient.logIn(moderator.username, moderator.password);
    const post = await makePost(test.db);
    await client.post(`/reports/post/${post.id}`, { reason: 'Cache me' });
    await eventually(async () => (await client.get('/')).headers.get('x-cache') === 'hit');
    const [report] = await test.db.query<{ id: string }>('SELECT id FROM reports WHERE target_id = $1', [post.id]);
    await modClient.post(`/moderation/reports/${report!.id}/resolve`, { note: 'Seen' });
    await eventually(async () => (await (await client.get('/')).text()).includes('Your reports (1 resolved)'));
    await client.get('/reports');
    expect(await (await client.get('/')).text()).not.toContain('Your reports (');
  });
});
