import { Parser } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { TEST_ORIGIN, TestClient, useTestApp } from '../helpers/app.js';
import { makeComment, makePost, makeUser, TEST_PASSWORD } from '../helpers/factories.js';

const { db, app } = useTestApp();

const FORM = 'application/x-www-form-urlencoded';

async function loggedIn() {
  const user = await makeUser(db);
  const client = new TestClient(app);
  await client.logIn(user.username, TEST_PASSWORD);
  return { client, user };
}

/** The CSRF token a page's forms carry. */
function pageToken(html: string): string {
  return /name="_csrf" value="([^"]*)"/.exec(html)?.[1] ?? '';
}

/** The fields a page's resubmit form would send (hidden inputs and text areas), or undefined if it has none. */
function resubmitFields(html: string): Record<string, string> | undefined {
  let fields: Record<string, string> | undefined;
  let inForm = false;
  let textarea: string | undefined;
  const parser = new Parser(
    {
      onopentag(tag, attrs) {
        if (tag === 'form' && attrs.class?.includes('resubmit-form')) {
          inForm = true;
          fields = {};
        } else if (inForm && tag === 'input' && attrs.name) fields![attrs.name] = attrs.value ?? '';
        else if (inForm && tag === 'textarea' && attrs.name) {
          textarea = attrs.name;
          fields![textarea] = '';
        }
      },
      ontext(text) {
        if (textarea) fields![textarea] += text;
      },
      onclosetag(tag) {
        if (tag === 'textarea') textarea = undefined;
        if (tag === 'form') inForm = false;
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);
  return fields;
}

describe('a post from another site', () => {
  it('is refused without an offer to resubmit its fields, and sets no cookie', async () => {
    const { client, user } = await loggedIn();
    const post = await makePost(db);
    // The victim's SameSite=Lax cookies do not travel with another site's post: the request arrives bare.
    const attack = () =>
      app.request(`${TEST_ORIGIN}/posts/${post.id}/comments`, {
        method: 'POST',
        headers: { 'content-type': FORM, origin: 'https://evil.example' },
        body: new URLSearchParams({ body: 'Posted by the attacker', intent: 'submit' }).toString(),
      });
    const response = await attack();
    expect(response.status).toBe(403);
    const html = await response.text();
    expect(html).toContain('This request came from another site');
    expect(html).not.toContain('Submit again');
    expect(resubmitFields(html)).toBeUndefined();
    expect(html).not.toContain('Posted by the attacker');
    expect(response.headers.getSetCookie()).toEqual([]);

    // Nothing the victim can click afterwards publishes it.
    await client.get('/');
    expect(await db.query('SELECT 1 FROM comments WHERE author_id = $1', [user.id])).toHaveLength(0);
  });

  it('is refused the same way when only Sec-Fetch-Site says so', async () => {
    const response = await app.request(`${TEST_ORIGIN}/signup`, {
      method: 'POST',
      headers: { 'content-type': FORM, 'sec-fetch-site': 'cross-site' },
      body: new URLSearchParams({ username: 'planted_name', email: 'planted@example.org' }).toString(),
    });
    expect(response.status).toBe(403);
    const html = await response.text();
    expect(html).toContain('came from another site');
    expect(html).not.toContain('planted_name');
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it('sets no cookie even when it carries a session due for renewal', async () => {
    const { client, user } = await loggedIn();
    await db.query("UPDATE sessions SET expires_at = now() + interval '10 days' WHERE user_id = $1", [user.id]);
    const response = await client.post('/logout', {}, { origin: 'https://evil.example' });
    expect(response.status).toBe(403);
    expect(response.headers.getSetCookie()).toEqual([]);
    // Nor does its page hand out the session's token.
    expect(await response.text()).not.toContain(client.cookies.get('lyceum_csrf'));
  });

  it('is refused even with a valid token', async () => {
    const client = new TestClient(app);
    const response = await client.post('/login', { login: 'x', password: 'y' }, { origin: 'https://evil.example' });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('came from another site');
  });
});

describe('an expired form on our own site', () => {
  it("carries every value of a repeated field (a post's chosen tags)", async () => {
    const { client } = await loggedIn();
    const body = new URLSearchParams([
      ['title', 'Kept title'],
      ['tags', 'tag-one'],
      ['tags', 'tag-two'],
      ['intent', 'draft'],
    ]);
    const response = await client.request('/posts/new', {
      method: 'POST',
      headers: { 'content-type': FORM, origin: TEST_ORIGIN },
      body: body.toString(),
    });
    expect(response.status).toBe(403);
    const html = await response.text();
    expect(html).toContain('Submit again');
    expect(html.match(/<input type="hidden" name="tags" value="[^"]*"/g)).toEqual([
      '<input type="hidden" name="tags" value="tag-one"',
      '<input type="hidden" name="tags" value="tag-two"',
    ]);
    expect(resubmitFields(html)).toMatchObject({ title: 'Kept title', intent: 'draft' });
  });

  it('offers the text back with a fresh token, and sending it again posts the comment', async () => {
    const { client, user } = await loggedIn();
    const post = await makePost(db);
    const response = await client.post(
      `/posts/${post.id}/comments`,
      { body: 'My carefully written comment', intent: 'submit' },
      { csrf: 'stale' },
    );
    expect(response.status).toBe(403);
    const html = await response.text();
    expect(html).toContain('This form has expired');
    expect(html).toContain('Submit again');
    const fields = resubmitFields(html)!;
    expect(fields.body).toBe('My carefully written comment');

    const again = await client.request(`/posts/${post.id}/comments`, {
      method: 'POST',
      headers: { 'content-type': FORM, origin: TEST_ORIGIN },
      body: new URLSearchParams(fields).toString(),
    });
    expect(again.status).toBe(303);
    const rows = await db.query<{ body_markdown: string }>('SELECT body_markdown FROM comments WHERE author_id = $1', [
      user.id,
    ]);
    expect(rows.map((r) => r.body_markdown)).toEqual(['My carefully written comment']);
  });

  it('offers it when only Sec-Fetch-Site says same-origin, never with the password', async () => {
    const client = new TestClient(app);
    await client.get('/signup');
    const response = await client.request('/signup', {
      method: 'POST',
      headers: { 'content-type': FORM, 'sec-fetch-site': 'same-origin' },
      body: new URLSearchParams({
        username: 'kept_name',
        email: 'kept@example.org',
        password: 'secret passphrase',
        _csrf: 'stale',
      }).toString(),
    });
    expect(response.status).toBe(403);
    const html = await response.text();
    expect(resubmitFields(html)).toMatchObject({ username: 'kept_name', email: 'kept@example.org' });
    expect(html).not.toContain('secret passphrase');
  });

  it('is not offered when the request says nothing of where it came from', async () => {
    const client = new TestClient(app);
    const response = await client.post('/signup', { username: 'unsure_origin' }, { csrf: 'stale', origin: null });
    expect(response.status).toBe(403);
    const html = await response.text();
    expect(html).toContain('This form has expired');
    expect(resubmitFields(html)).toBeUndefined();
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it('refuses a form without the token, keeping nothing', async () => {
    const client = new TestClient(app);
    const username = `u${Math.random().toString(36).slice(2, 10)}`;
    const response = await client.post(
      '/signup',
      { username, email: `${username}@example.org`, password: 'a long passphrase' },
      { csrf: null },
    );
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('This form has expired');
    expect(await db.query('SELECT 1 FROM users WHERE username = $1', [username])).toHaveLength(0);
  });
});

describe('the token of a logged-in reader', () => {
  it('changes at login and at logout; a token from before the login no longer works', async () => {
    const user = await makeUser(db);
    const client = new TestClient(app);
    const before = pageToken(await (await client.get('/login')).text());
    expect(before).not.toBe('');
    await client.logIn(user.username, TEST_PASSWORD);
    const during = pageToken(await (await client.get('/')).text());
    expect(during).not.toBe(before);
    // The cookie mirrors it, so pages cached per reader (keyed by it) carry the right token.
    expect(client.cookies.get('lyceum_csrf')).toBe(during);

    expect((await client.post('/logout', {}, { csrf: before })).status).toBe(403);
    expect((await client.post('/logout', {}, { csrf: during })).status).toBe(303);
    const after = pageToken(await (await client.get('/')).text());
    expect([before, during]).not.toContain(after);
  });

  it('is refused in another session, even with a matching CSRF cookie planted beside it', async () => {
    const a = await loggedIn();
    const tokenOfA = pageToken(await (await a.client.get('/')).text());
    const b = await loggedIn();
    const comment = await makeComment(db, { authorId: b.user.id });
    b.client.cookies.set('lyceum_csrf', tokenOfA);
    const response = await b.client.post(`/comments/${comment.id}/delete`, {}, { csrf: tokenOfA });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('This form has expired');
    const [row] = await db.query<{ deleted: boolean }>('SELECT deleted FROM comments WHERE id = $1', [comment.id]);
    expect(row!.deleted).toBe(false);
  });

  it('is what the page gives the client script, and the script’s header is accepted', async () => {
    const { client } = await loggedIn();
    const comment = await makeComment(db);
    const token = pageToken(await (await client.get('/')).text());
    const response = await client.request('/api/votes', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        'x-csrf-token': token,
        origin: TEST_ORIGIN,
      },
      body: JSON.stringify({ targetType: 'comment', targetId: comment.id, kind: 'up' }),
    });
    expect(response.status).toBe(200);
  });
});
