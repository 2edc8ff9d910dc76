import type { Context } from 'hono';
import { AppError } from '../errors.js';
import type { AppEnv } from './context.js';
import { Layout } from './layout.js';
import { CsrfError, issueCsrfToken, requestSite } from './middleware.js';
import { pageContext, wantsJson } from './page.js';
import { carriedFields, ResubmitForm } from './resubmit.js';

const TITLES: Record<number, string> = {
  400: 'Bad request',
  403: 'Not allowed',
  404: 'Page not found',
  409: 'Conflict',
  413: 'Too large',
  422: 'Please check your input',
  429: 'Too many requests',
  503: 'Busy',
  500: 'Something went wrong',
};

function ErrorPage(props: { c: Context<AppEnv>; status: number; message: string; children?: unknown }) {
  return (
    <Layout ctx={pageContext(props.c)} title={TITLES[props.status] ?? 'Error'} math={false}>
      <section class="error-page">
        <h1>{TITLES[props.status] ?? 'Error'}</h1>
        <p class="error-message" role="alert">
          {props.message}
        </p>
        {props.children}
        <p>
          <a href="/">Back to the frontpage</a>
        </p>
      </section>
    </Layout>
  );
}

/**
 * When a form's CSRF token has expired, the user's text must not be lost: show it again with a fresh token
 * and a button that resubmits it to the same place (passwords are never echoed). Only for a request that says
 * it came from our own pages: offered to a cross-site post, that button would send the other site's fields
 * as the user, with one click.
 */
async function expiredFormPage(c: Context<AppEnv>, error: CsrfError) {
  let fields: [string, string][] = [];
  try {
    fields = carriedFields(await c.req.parseBody({ all: true }));
  } catch {
    fields = [];
  }
  const token = issueCsrfToken(c);
  return c.html(
    <ErrorPage c={c} status={403} message={error.message}>
      {fields.length > 0 ? (
        <ResubmitForm action={c.req.path} fields={fields} csrfToken={token} label="Submit again" />
      ) : null}
    </ErrorPage>,
    403,
  );
}

export async function handleError(error: Error, c: Context<AppEnv>) {
  if (error instanceof AppError) {
    if (error.retryAfterSeconds !== undefined) c.header('Retry-After', String(error.retryAfterSeconds));
    // A refused cross-site request changes nothing for the browser: not even a renewed session cookie.
    if (error instanceof CsrfError && error.reason === 'cross-site') c.header('Set-Cookie', undefined);
    if (wantsJson(c)) return c.json({ error: error.message, fields: error.fields }, error.status);
    if (
      error instanceof CsrfError &&
      error.reason === 'expired' &&
      c.req.method === 'POST' &&
      requestSite(c) === 'same-origin'
    ) {
      return expiredFormPage(c, error);
    }
    return c.html(<ErrorPage c={c} status={error.status} message={error.message} />, error.status);
  }
  (c.get('log') ?? c.get('deps')?.logger)?.error({ err: error }, 'unhandled error');
  const message = `An unexpected error happened on our side. It has been logged${c.get('requestId') ? ` with reference ${c.get('requestId')}` : ''}.`;
  if (wantsJson(c)) return c.json({ error: message }, 500);
  if (!c.get('deps')) return c.text(message, 500);
  return c.html(<ErrorPage c={c} status={500} message={message} />, 500);
}

export function notFound(c: Context<AppEnv>) {
  const message = 'There is nothing at this address. It may have moved, or the link may be mistyped.';
  if (wantsJson(c)) return c.json({ error: message }, 404);
  return c.html(<ErrorPage c={c} status={404} message={message} />, 404);
}
