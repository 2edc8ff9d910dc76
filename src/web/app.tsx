import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { recoveryRoutes } from '../accounts/recovery-routes.js';
import { accountRoutes } from '../accounts/routes.js';
import { accountSettingsRoutes } from '../accounts/settings-routes.js';
import { pageCaches } from '../cache/middleware.js';
import { commentRoutes } from '../comments/routes.js';
import { AppError } from '../errors.js';
import { feedRoutes } from '../feeds/routes.js';
import { frontpageRoutes } from '../frontpage/routes.js';
import { liveRoutes } from '../live/routes.js';
import { mailRoutes } from '../mail/routes.js';
import { moderationRoutes } from '../moderation/routes.js';
import { notificationRoutes } from '../notifications/routes.js';
import { editorRoutes } from '../posts/editor-routes.js';
import { postRoutes } from '../posts/routes.js';
import { reportRoutes } from '../reports/routes.js';
import { reviewRoutes } from '../review/routes.js';
import { searchRoutes } from '../search/routes.js';
import { sequenceRoutes } from '../sequences/routes.js';
import { settingsRoutes } from '../settings/routes.js';
import { tagLinkRoutes } from '../tags/links-routes.js';
import { tagRoutes } from '../tags/routes.js';
import { userRoutes } from '../users/routes.js';
import { voteRoutes } from '../votes/routes.js';
import { chooseEncoding, compress, compression, isCompressible } from './compression.js';
import type { AppEnv, Deps } from './context.js';
import { handleError, notFound } from './errors.js';
import {
  csrf,
  readReplica,
  refuseBannedWrites,
  refuseNul,
  requestLog,
  securityHeaders,
  session,
  withDeps,
} from './middleware.js';

const IMMUTABLE = 'public, max-age=31536000, immutable';

export function createApp(deps: Deps): Hono<AppEnv> {
  const bodyLimited = bodyLimit({
    maxSize: deps.config.bodyLimitBytes,
    onError: (c) => {
      // The rest of the body may still be on its way: close the connection after the answer rather than keep it
      // alive and cut it while draining, which would fail the client's next request on it.
      c.header('Connection', 'close');
      throw new AppError(
        413,
        `The request is larger than the limit of ${Math.round(deps.config.bodyLimitBytes / 1024)} KB.`,
      );
    },
  });
  // GET and HEAD carry no body; checking one would make the adapter build a full Request for nothing.
  const limitBody: MiddlewareHandler<AppEnv> = (c, next) =>
    c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : bodyLimited(c, next);
  const app = new Hono<AppEnv>();
  app.onError(handleError);
  app.notFound(notFound);

  app.use('*', withDeps(deps), requestLog, securityHeaders, compression, refuseNul);

  // Static assets and the health check need no session or CSRF work.
  app.get('/static/*', (c) => {
    const asset = deps.assets.get(c.req.path.slice('/static/'.length));
    if (!asset) return notFound(c);
    c.header('Cache-Control', IMMUTABLE);
    c.header('Content-Type', asset.contentType);
    const encoding = isCompressible(asset.contentType) ? chooseEncoding(c.req.header('accept-encoding')) : undefined;
    if (!encoding) return c.body(asset.body as Uint8Array<ArrayBuffer>, 200);
    asset.encoded ??= {};
    const body = asset.encoded[encoding] ?? compress(asset.body, encoding, 'best');
    asset.encoded[encoding] = body;
    c.header('Content-Encoding', encoding);
    c.header('Vary', 'Accept-Encoding');
    return c.body(body as Uint8Array<ArrayBuffer>, 200);
  });
  app.get('/healthz', async (c) => {
    try {
      await deps.db.query('SELECT 1');
      return c.json({ status: 'ok', database: deps.db.kind });
    } catch {
      return c.json({ status: 'unavailable', database: deps.db.kind }, 503);
    }
  });

  app.use('*', limitBody, session, csrf, refuseBannedWrites, pageCaches(), readReplica);

  app.route('/', frontpageRoutes);
  app.route('/', accountRoutes);
  app.route('/', accountSettingsRoutes);
  app.route('/', recoveryRoutes);
  app.route('/', mailRoutes);
  // The editor's fixed paths (/posts/new, /posts/:id/edit) must win over /posts/:id/:slug.
  app.route('/', editorRoutes);
  app.route('/', commentRoutes);
  app.route('/', tagLinkRoutes);
  // Tags: /tags/new before /tags/:slug (inside tagRoutes); none of their paths is a post's.
  app.route('/', tagRoutes);
  app.route('/', postRoutes);
  app.route('/', sequenceRoutes);
  app.route('/', userRoutes);
  app.route('/', moderationRoutes);
  app.route('/', reviewRoutes);
  app.route('/', reportRoutes);
  app.route('/', notificationRoutes);
  app.route('/', liveRoutes);
  app.route('/', voteRoutes);
  app.route('/', feedRoutes);
  app.route('/', searchRoutes);
  app.route('/', settingsRoutes);
  return app;
}
