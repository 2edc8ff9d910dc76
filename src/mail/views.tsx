import { CsrfField, Layout, type PageContext } from '../web/layout.js';
import { Time } from '../web/time.js';
import type { OutboxMessage } from './queries.js';

/** /admin/outbox: the newest emails, each with its text part (where, without SMTP_URL, an admin finds them). */
export function OutboxPage(props: {
  ctx: PageContext;
  messages: OutboxMessage[];
  olderHref: string | undefined;
  smtp: boolean;
}) {
  return (
    <Layout ctx={props.ctx} title="Outbox" math={false}>
      <section class="narrow outbox">
        <h1>Outbox</h1>
        <p>
          {props.smtp
            ? 'Every email the forum sent through its SMTP server, newest first.'
            : 'No SMTP server is configured (SMTP_URL), so emails are kept here instead of sent, newest first. Their links work: treat them as secrets.'}
        </p>
        {props.messages.length === 0 ? <p>No emails yet.</p> : null}
        {props.messages.map((m) => (
          <article class="outbox-message">
            <h2>{m.subject}</h2>
            <p class="meta">
              To {m.to} · <Time date={m.createdAt} /> · {m.delivery === 'smtp' ? 'sent by SMTP' : 'kept here'}
            </p>
            <pre>{m.text}</pre>
          </article>
        ))}
        {props.olderHref ? (
          <p>
            <a href={props.olderHref}>Older emails</a>
          </p>
        ) : null}
      </section>
    </Layout>
  );
}

/** The unsubscribe link's page: what it stops, and the button that does it (a GET changes nothing). */
export function UnsubscribePage(props: { ctx: PageContext; token: string; topic: string; done: boolean }) {
  const title = props.done ? 'You are unsubscribed' : 'Stop these emails?';
  return (
    <Layout ctx={props.ctx} title={title} math={false}>
      <section class="narrow">
        <h1>{title}</h1>
        {props.done ? (
          <p class="notice" role="status">
            We will send you no more emails about “{props.topic}”. You can choose again in your settings.
          </p>
        ) : (
          <>
            <p>We will stop sending you emails about “{props.topic}”. You still see these notifications on the site.</p>
            <form method="post" action={`/unsubscribe?token=${encodeURIComponent(props.token)}`}>
              <CsrfField token={props.ctx.csrfToken} />
              <button type="submit">Unsubscribe</button>
            </form>
          </>
        )}
      </section>
    </Layout>
  );
}
