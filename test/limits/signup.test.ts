import { describe, expect, it } from 'vitest';
import { SIGNUP_LIMIT } from '../../src/limits/limits.js';
import { TestClient, useTestApp } from '../helpers/app.js';
import { makeUser } from '../helpers/factories.js';

const { db, app } = useTestApp();

let serial = 0;
function signUp(client: TestClient, fields: Record<string, string> = {}) {
  const username = `joiner_${++serial}_${Date.now().toString(36)}`;
  return client.post('/signup', {
    username,
    email: `${username}@example.org`,
    password: 'a long enough password',
    ...fields,
  });
}

async function userCount(): Promise<number> {
  const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
  return row!.n;
}

describe('sign-up honeypot', () => {
  it('is on the form, off-screen by the stylesheet, out of the tab order, told to stay empty', async () => {
    const page = await (await new TestClient(app, '198.51.100.10').get('/signup')).text();
    expect(page).toContain(
      '<div class="form-trap"><label for="field-website">Leave this field empty</label><input id="field-website" name="website" type="text" value="" tabindex="-1" autocomplete="off"/></div>',
    );
    expect(page).not.toMatch(/style="/);
  });

  it('refuses a filled honeypot without making an account, keeping what was typed', async () => {
    const before = await userCount();
    const response = await signUp(new TestClient(app, '198.51.100.11'), { website: 'https://spam.example' });
    expect(response.status).toBe(422);
    const page = await response.text();
    expect(page).toContain('Leave the field labelled “Leave this field empty” empty; no account was made.');
    expect(page).toMatch(/name="username"[^>]*value="joiner_/);
    expect(response.headers.get('set-cookie') ?? '').not.toContain('lyceum_session=');
    expect(await userCount()).toBe(before);
  });
});

describe('sign-ups per address', () => {
  it(`takes ${SIGNUP_LIMIT.capacity} from one address, then refuses with 429 and Retry-After`, async () => {
    for (let i = 0; i < SIGNUP_LIMIT.capacity; i++) {
      expect((await signUp(new TestClient(app, '192.0.2.50'))).status).toBe(303);
    }
    const before = await userCount();
    const refused = await signUp(new TestClient(app, '192.0.2.50'));
    expect(refused.status).toBe(429);
    // Drained for the seconds the sign-ups took: the next fits within one drain interval.
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(SIGNUP_LIMIT.drainSeconds - 60);
    expect(retryAfter).toBeLessThanOrEqual(SIGNUP_LIMIT.drainSeconds);
    const page = await refused.text();
    expect(page).toContain('Too many accounts have been made from your network recently. Try again in 12 minutes.');
    expect(page).toMatch(/name="username"[^>]*value="joiner_/);
    expect(await userCount()).toBe(before);
    // Another address is not affected.
    expect((await signUp(new TestClient(app, '192.0.2.51'))).status).toBe(303);
  });

  it('counts an IPv6 /64 as one address', async () => {
    for (let i = 0; i < SIGNUP_LIMIT.capacity; i++) {
      expect((await signUp(new TestClient(app, `2001:db8:7:7::${i + 1}`))).status).toBe(303);
    }
    expect((await signUp(new TestClient(app, '2001:db8:7:7:ffff::9'))).status).toBe(429);
    expect((await signUp(new TestClient(app, '2001:db8:7:8::1'))).status).toBe(303);
  });

  it('does not count a sign-up refused for a taken name, nor a honeypot refusal', async () => {
    const taken = await makeUser(db);
    const client = new TestClient(app, '192.0.2.60');
    for (let i = 0; i < SIGNUP_LIMIT.capacity + 2; i++) {
      expect((await signUp(client, { username: taken.username })).status).toBe(422);
      expect((await signUp(client, { website: 'x' })).status).toBe(422);
    }
    for (let i = 0; i < SIGNUP_LIMIT.capacity; i++) {
      expect((await signUp(new TestClient(app, '192.0.2.60'))).status).toBe(303);
    }
  });
});
