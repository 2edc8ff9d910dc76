import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { runDueJobs } from '../../src/jobs/queue.js';
import { registerMailJob } from '../../src/mail/send.js';
import { mailTransport } from '../../src/mail/transport.js';
import { DIGEST_JOB, nextDigestAt, registerNotificationJobs, sendDigests } from '../../src/notifications/email.js';
import { TEST_ORIGIN, useTestDatabase } from '../helpers/app.js';
import { makeComment, makePost, makeUser } from '../helpers/factories.js';

const { db } = useTestDatabase();

beforeAll(() => {
  registerMailJob({
    transport: mailTransport(undefined),
    from: 'Lyceum <noreply@localhost>',
    baseUrl: TEST_ORIGIN,
    logger: pino({ level: 'silent' }),
  });
  registerNotificationJobs({ baseUrl: TEST_ORIGIN });
});

async function mailTo(address: string) {
  return db.query<{ subject: string; text: string; html: string; headers: Record<string, string> }>(
    'SELECT subject, text_body AS text, html_body AS html, headers FROM mail_messages WHERE to_address = $1 ORDER BY id',
    [address],
  );
}

/** Runs the queue until nothing is due (a notification job enqueues its mail job). */
async function drain() {
  for (let i = 0; i < 5; i++) if ((await runDueJobs(db)).done === 0) return;
}

describe('notification email', () => {
  it('emails a reply at once (the default): text and HTML, a link to the comment, one-click unsubscribe', async () => {
    const alice = await makeUser(db, { emailVerified: true });
    const bob = await makeUser(db);
    const post = await makePost(db, { title: 'On <priors>' });
    const top = await makeComment(db, { postId: post.id, authorId: alice.id });
    const reply = await makeComment(db, {
      postId: post.id,
      parentId: top.id,
      authorId: bob.id,
      markdown: 'I disagree <b>strongly</b>.',
    });
    await drain();
    await drain();
    const mails = await mailTo(alice.email);
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail!.subject).toBe(`${bob.username} replied to your comment: “On <priors>”`);
    expect(mail!.text).toContain('I disagree strongly.');
    expect(mail!.text).toContain(`${TEST_ORIGIN}/posts/${post.id}/`);
    expect(mail!.text).toContain(`/comment/${reply.id}#comment-${reply.id}`);
    expect(mail!.html).toContain('On &lt;priors&gt;');
    expect(mail!.html).toContain(`/comment/${reply.id}#comment-${reply.id}`);
    expect(mail!.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(mail!.headers['List-Unsubscribe']).toContain(`${TEST_ORIGIN}/unsubscribe?token=`);
    // Run again: nothing more is sent for the same notification.
    await drain();
    expect(await mailTo(alice.email)).toHaveLength(1);
  });

  it('sends nothing by email for a kind left on the site, nor to an unverified address', async () => {
    const alice = await makeUser(db, { emailVerified: true });
    const post = await makePost(db, { authorId: alice.id });
    await makeComment(db, { postId: post.id });
    const unverified = await makeUser(db);
    const top = await makeComment(db, { authorId: unverified.id });
    await makeComment(db, { postId: top.postId, parentId: top.id });
    await drain();
    expect(await mailTo(alice.email)).toHaveLength(0);
    expect(await mailTo(unverified.email)).toHaveLength(0);
  });
});

describe('the daily digest', () => {
  it('schedules one digest job a day and sends each member one email of their digest notifications', async () => {
    const alice = await makeUser(db, { emailVerified: true });
    await db.query(
      `INSERT INTO notification_settings (user_id, kind, delivery) VALUES ($1, 'post_comment', 'digest')`,
      [alice.id],
    );
    const first = await makePost(db, { authorId: alice.id, title: 'First thoughts' });
    const second = await makePost(db, { authorId: alice.id, title: 'Second thoughts' });
    const one = await makeComment(db, { postId: first.id, markdown: 'Digest comment one.' });
    const two = await makeComment(db, { postId: second.id, markdown: 'Digest comment two.' });
    const jobs = await db.query<{ key: string; run_at: Date }>('SELECT key, run_at FROM jobs WHERE kind = $1', [
      DIGEST_JOB,
    ]);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.run_at.getTime()).toBe(nextDigestAt().getTime());
    // Its time comes (run here directly: the job is due tomorrow morning).
    expect(await sendDigests(db, TEST_ORIGIN)).toBeGreaterThanOrEqual(1);
    await drain();
    const mails = await mailTo(alice.email);
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail!.subject).toBe('Your daily digest: 2 notifications');
    expect(mail!.text).toContain('commented on your post: “First thoughts”');
    expect(mail!.text).toContain('commented on your post: “Second thoughts”');
    expect(mail!.text).toContain(`/comment/${one.id}#comment-${one.id}`);
    expect(mail!.html).toContain(`/comment/${two.id}#comment-${two.id}`);
    expect(mail!.html).toContain('Digest comment two.');
    expect(mail!.headers['List-Unsubscribe']).toContain('/unsubscribe?token=');
    // Since the last digest only: the next one is empty for her.
    await sendDigests(db, TEST_ORIGIN);
    await drain();
    expect(await mailTo(alice.email)).toHaveLength(1);
    const third = await makeComment(db, { postId: first.id, markdown: 'Digest comment three.' });
    await sendDigests(db, TEST_ORIGIN);
    await drain();
    const later = await mailTo(alice.email);
    expect(later).toHaveLength(2);
    expect(later[1]!.subject).toBe('Your daily digest: 1 notification');
    expect(later[1]!.text).toContain(third.id);
    expect(later[1]!.text).not.toContain(one.id);
  });
});
