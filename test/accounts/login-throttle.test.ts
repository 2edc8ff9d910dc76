import { describe, expect, it } from 'vitest';
import { forgetOldLoginFailures } from '../../src/accounts/service.js';
import { throttledAddress } from '../../src/limits/address.js';
import { LOGIN_RULES } from '../../src/limits/limits.js';
import { TestClient, useTestApp } from '../helpers/app.js';
import { makeUser, TEST_PASSWORD } from '../helpers/factories.js';

const { db, app } = useTestApp();

const WAIT = /Try again in \d+ (second|minute)s?/;

/** Sends all attempts at once from one browser; returns how many were checked (422) and the refusals (429). */
async function burst(client: TestClient, attempts: { login: string; password: string }[]) {
  await client.get('/login'); // the CSRF cookie, before the concurrent posts
  const responses = await Promise.all(attempts.map((form) => client.post('/login', form)));
  const refused = responses.filter((r) => r.status === 429);
  expect(responses.map((r) => r.status).filter((s) => s !== 422 && s !== 429)).toEqual([]);
  return { checked: responses.filter((r) => r.status === 422).length, refused };
}

function wrongGuesses(login: string, count: number) {
  return Array.from({ length: count }, (_, i) => ({ login, password: `wrong guess ${i}` }));
}

/**
 * Stops every counter draining for the next hour, so a slow machine (scrypt under load) cannot let attempts
 * through that the test expects refused: as if no time passed after this point.
 */
async function stopTheClock() {
  await db.query(`UPDATE login_throttle SET updated_at = now() + interval '1 hour'`);
}

/** As if `seconds` had passed since the last attempt, for every throttling counter. */
async function letTimePass(seconds: number) {
  await db.query('UPDATE login_throttle SET updated_at = least(updated_at, now()) - make_interval(secs => $1)', [
    seconds,
  ]);
}

// Each checked attempt runs scrypt (slow by design); on a busy 2-core machine a burst takes a while.
describe('login throttling', { timeout: 180_000 }, () => {
  it('checks at most 10 of 100 concurrent wrong passwords from one address; the owner then logs in from theirs', async () => {
    const owner = await makeUser(db);
    const { checked, refused } = await burst(new TestClient(app, '198.51.100.20'), wrongGuesses(owner.username, 100));
    expect(checked).toBeGreaterThan(0);
    expect(checked).toBeLessThanOrEqual(LOGIN_RULES.accountFromAddress.capacity);
    expect(refused).toHaveLength(100 - checked);
    for (const response of refused) {
      expect(await response.text()).toMatch(/Too many failed login attempts\. Try again in \d+ (second|minute)s?\./);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    }

    const ownerBrowser = new TestClient(app, '198.51.100.21');
    expect((await ownerBrowser.post('/login', { login: owner.username, password: TEST_PASSWORD })).status).toBe(303);
    expect(await (await ownerBrowser.get('/')).text()).toContain(owner.username);
  });

  it('refuses even the right password from the guessing address once it is over the limit', async () => {
    const owner = await makeUser(db);
    const guesser = new TestClient(app, '198.51.100.22');
    await burst(guesser, wrongGuesses(owner.username, 12));
    await stopTheClock();
    const response = await guesser.post('/login', { login: owner.email, password: TEST_PASSWORD });
    expect(response.status).toBe(429);
    expect(guesser.cookies.has('lyceum_session')).toBe(false);
  });

  it('lets one address fail at most 50 times across accounts, without hurting other addresses', async () => {
    const attempts = Array.from({ length: 56 }, (_, i) => ({ login: `ghost_${i}`, password: 'wrong password' }));
    const { checked } = await burst(new TestClient(app, '198.51.100.23'), attempts);
    expect(checked).toBe(LOGIN_RULES.address.capacity);
    await stopTheClock();

    const user = await makeUser(db);
    const sameAddress = new TestClient(app, '198.51.100.23');
    expect((await sameAddress.post('/login', { login: user.username, password: TEST_PASSWORD })).status).toBe(429);
    const elsewhere = new TestClient(app, '198.51.100.24');
    expect((await elsewhere.post('/login', { login: user.username, password: TEST_PASSWORD })).status).toBe(303);
  });

  it('slows a guesser spread over many addresses, while the owner gets in from a browser they used before', async () => {
    const owner = await makeUser(db);
    const ownBrowser = new TestClient(app, '203.0.113.50');
    await ownBrowser.logIn(owner.username, TEST_PASSWORD);
    const device = ownBrowser.cookies.get('lyceum_device');
    expect(device).toBeTruthy();
    await ownBrowser.post('/logout', {});

    // Three addresses, ten guesses each: 30 failures would pass the per-address rule; the account rule holds 20.
    let checked = 0;
    for (const address of ['192.0.2.1', '192.0.2.2', '192.0.2.3']) {
      checked += (await burst(new TestClient(app, address), wrongGuesses(owner.username, 10))).checked;
      await stopTheClock();
    }
    expect(checked).toBe(LOGIN_RULES.account.capacity);

    const newBrowser = new TestClient(app, '203.0.113.51');
    const slowed = await newBrowser.post('/login', { login: owner.username, password: TEST_PASSWORD });
    expect(slowed.status).toBe(429);
    expect(await slowed.text()).toMatch(WAIT);
    // Another account's device cookie, or a made-up one, is no pass.
    const other = await makeUser(db);
    const otherBrowser = new TestClient(app, '203.0.113.52');
    await otherBrowser.logIn(other.username, TEST_PASSWORD);
    newBrowser.cookies.set('lyceum_device', otherBrowser.cookies.get('lyceum_device')!);
    expect((await newBrowser.post('/login', { login: owner.username, password: TEST_PASSWORD })).status).toBe(429);
    newBrowser.cookies.set('lyceum_device', `${device!.split('.')[0]}.forged`);
    expect((await newBrowser.post('/login', { login: owner.username, password: TEST_PASSWORD })).status).toBe(429);

    expect((await ownBrowser.post('/login', { login: owner.username, password: TEST_PASSWORD })).status).toBe(303);
    // Two minutes later the account takes one more attempt from anywhere.
    await letTimePass(LOGIN_RULES.account.drainSeconds);
    expect((await newBrowser.post('/login', { login: owner.username, password: TEST_PASSWORD })).status).toBe(303);
  });

  it('drains as documented: one more attempt every 90 seconds, all of them 15 minutes after the last failure', async () => {
    const owner = await makeUser(db);
    const guesser = new TestClient(app, '198.51.100.25');
    await burst(guesser, wrongGuesses(owner.username, 10));
    await stopTheClock();
    const full = await guesser.post('/login', { login: owner.username, password: 'still wrong' });
    expect(full.status).toBe(429);
    expect(await full.text()).toMatch(/Try again in 2 minutes\./);

    await letTimePass(LOGIN_RULES.accountFromAddress.drainSeconds);
    expect((await guesser.post('/login', { login: owner.username, password: 'wrong again' })).status).toBe(422);
    await stopTheClock();
    expect((await guesser.post('/login', { login: owner.username, password: 'and again' })).status).toBe(429);

    await letTimePass(15 * 60);
    const { checked } = await burst(guesser, wrongGuesses(owner.username, 10));
    expect(checked).toBe(10);
  });

  it('forgets an address’s failures on an account once it logs in with the right password', async () => {
    const owner = await makeUser(db);
    const browser = new TestClient(app, '198.51.100.26');
    await burst(browser, wrongGuesses(owner.username, 9));
    await stopTheClock();
    await browser.logIn(owner.username, TEST_PASSWORD);
    await browser.post('/logout', {});
    const { checked } = await burst(browser, wrongGuesses(owner.username, 10));
    expect(checked).toBe(10);
  });

  it('counts an IPv6 client by its /64, so rotating addresses inside it does not dodge the limit', async () => {
    expect(throttledAddress('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(throttledAddress('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(throttledAddress('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(throttledAddress('::ffff:198.51.100.1')).toBe('198.51.100.1');
    expect(throttledAddress('198.51.100.1')).toBe('198.51.100.1');

    const owner = await makeUser(db);
    const clients = Array.from({ length: 12 }, (_, i) => new TestClient(app, `2001:db8:7:7::${(i + 1).toString(16)}`));
    for (const client of clients) await client.get('/login');
    const responses = await Promise.all(
      clients.map((client, i) => client.post('/login', { login: owner.username, password: `wrong ${i}` })),
    );
    expect(responses.filter((r) => r.status === 422)).toHaveLength(10);
    expect(responses.filter((r) => r.status === 429)).toHaveLength(2);
  });
});

describe('maintenance', () => {
  it('forgets drained counters and keeps the ones still holding failures', async () => {
    await db.query(
      `INSERT INTO login_throttle (key, level, drain_seconds, updated_at)
       VALUES ('test:drained', 3, 90, now() - interval '5 minutes'), ('test:live', 3, 90, now() - interval '1 minute')`,
    );
    await forgetOldLoginFailures(db);
    const keys = await db.query<{ key: string }>(`SELECT key FROM login_throttle WHERE key LIKE 'test:%'`);
    expect(keys.map((k) => k.key)).toEqual(['test:live']);
  });
});
