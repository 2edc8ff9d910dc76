import type { AddressInfo } from 'node:net';
import { ConfigError, loadConfig } from './config.js';
import { DataDirLockedError } from './db/lock.js';
import { createsDatabase, openDatabase, startReplicaRouting } from './db/open.js';

async function main() {
  const config = loadConfig(process.env, process.argv.slice(2));
  // Start-up steps overlap where they can. The database starts opening first (reading and compiling PGlite is
  // partly asynchronous; creating a new embedded database then keeps this thread busy for seconds), the client
  // bundle builds in esbuild's process, and the rest of the server loads meanwhile. That is why only the modules
  // that open the database are imported above, and the others (those behind every route and the Markdown stack
  // take a second or two to load) here.
  const dbOptions = { dataDir: config.dataDir, databaseUrl: config.databaseUrl };
  const newDatabase = createsDatabase(dbOptions);
  const opening = openDatabase(dbOptions);
  opening.catch(() => {}); // awaited below; failing meanwhile must not count as unhandled
  const { loadAssets } = await import('./web/assets.js');
  const assetsLoading = loadAssets();
  assetsLoading.catch(() => {}); // likewise
  const [
    { default: pino },
    { renderPoolOptions, startRenderPool, stopRenderPool },
    { forumIsEmpty, loadDemoContent, makeDemoAccounts },
  ] = await Promise.all([import('pino'), import('./content/pool.js'), import('./demo/seed.js')]);
  const logger = pino({ level: config.logLevel, base: { pid: process.pid } });
  const poolOptions = renderPoolOptions(config);
  // For a demo on a new database, its passwords hash (on libuv's threads) and the render worker warms up for
  // its texts (on its own thread) while the database is created.
  const demoAccounts = config.loadDemo && newDatabase ? makeDemoAccounts() : undefined;
  demoAccounts?.catch(() => {}); // awaited by loadDemoContent, which reports a failure
  if (demoAccounts) await startRenderPool(poolOptions);
  const [
    { forgetOldLoginFailures },
    { deleteExpiredSessions },
    { applyChange, cacheStats, startCaches },
    { startChangeFeed },
    { MAGIC_REFRESH_INTERVAL_MS, refreshMagicScores },
    { createApp },
    { createHttpServer },
    { openSiteSettings },
    { registerJobs },
    { startJobWorker },
    { deleteOldAccountTokens },
    { LiveHub },
    { visitLog },
  ] = await Promise.all([
    import('./accounts/service.js'),
    import('./accounts/sessions.js'),
    import('./cache/caches.js'),
    import('./db/changes.js'),
    import('./votes/ranking.js'),
    import('./web/app.js'),
    import('./web/server.js'),
    import('./settings/store.js'),
    import('./jobs/start.js'),
    import('./jobs/worker.js'),
    import('./accounts/tokens.js'),
    import('./live/hub.js'),
    import('./posts/visits.js'),
  ]);

  const { db, applied } = await opening;
  logger.info({ database: db.kind, applied }, applied.length ? 'migrations applied' : 'database up to date');

  if (config.loadDemo && (await forumIsEmpty(db))) {
    await startRenderPool(poolOptions);
    const logins = await loadDemoContent(db, { accounts: demoAccounts });
    if (logins.length > 0) {
      // Printed once, to the terminal of the person who started the forum, so they can log in as a demo user.
      process.stdout.write(
        `\nDemo content loaded. Demo accounts (username / password), shown only this once:\n` +
          logins
            .map((l) => `  ${l.username.padEnd(12)} ${l.password}${l.role === 'member' ? '' : `  (${l.role})`}`)
            .join('\n') +
          `\nStart with --no-demo or LYCEUM_DEMO=0 to skip demo content on a new database.\n\n`,
      );
    }
  }

  // One stream of change notifications for everything this process keeps copies of (caches, replica routing,
  // the site's settings: so it listens even with the caches off).
  const feed = await startChangeFeed(db, logger);
  const caching = startCaches(config, feed);
  const replicas = config.databaseReadUrl ? await startReplicaRouting(db, config.databaseReadUrl, feed) : undefined;
  // The site's settings (its name on every page) held in the process, read again when they change; a reload
  // that finds them changed empties the caches once more (pages built meanwhile may show the old name).
  const settings = await openSiteSettings(db, {
    feed,
    onChange: () => {
      if (caching) applyChange(caching.caches, 'all');
    },
  });
  const assets = await assetsLoading;
  // Open post pages and headers hear of new comments and notifications through the same feed.
  const live = new LiveHub(db, logger, feed);
  // Readers' visits to posts are written in batches (posts/visits.ts); the last batch on shutdown.
  const visits = visitLog(db, (err) => logger.error({ err }, 'writing readers’ post visits failed'));
  const app = createApp({
    db,
    config,
    logger,
    assets,
    caches: caching?.caches,
    replicas: replicas?.router,
    settings,
    live,
  });
  // Every render and diff runs in the pool's workers. Unless the demo needed them already, they start now, so
  // that warming them up does not compete with opening the database; a job sent before one is ready waits for it.
  await startRenderPool(poolOptions);

  // Scores decay with age: rescore recent and top posts every few minutes, starting once the server listens
  // (idempotent, so several processes doing it is harmless).
  // The same job forgets expired sessions, old login failures and spent email links, so those tables stay small.
  const rescore = () =>
    Promise.all([
      refreshMagicScores(db),
      deleteExpiredSessions(db),
      forgetOldLoginFailures(db),
      deleteOldAccountTokens(db),
    ]).catch((err: unknown) => logger.error({ err }, 'periodic maintenance failed'));
  const rescoreTimer = setInterval(rescore, MAGIC_REFRESH_INTERVAL_MS);
  rescoreTimer.unref();

  // Mail and other jobs run here unless the operator runs `npm run worker` instead (JOBS_IN_PROCESS=false).
  registerJobs(config, logger);
  const jobWorker = config.jobsInProcess ? await startJobWorker(db, logger) : undefined;

  // Cache hits are answered by the server before the app (src/web/server.ts).
  const server = createHttpServer({ app, config, logger, caches: caching?.caches });
  server.listen(config.port, config.host, () => {
    const { port } = server.address() as AddressInfo;
    const url = config.baseUrl.replace(/:\d+$/, `:${port}`);
    // The caches' budget is chosen from the machine's memory unless CACHE_MAX_MB sets it: say which it is.
    const cacheMaxMb = caching ? Math.round(config.cacheMaxBytes / 1024 / 1024) : 0;
    logger.info({ port, cacheMaxMb }, `Lyceum is serving ${url}`);
    process.stdout.write(`Lyceum is running at ${url}\n`);
    void rescore();
  });

  // `kill -USR2 <pid>` prints one line of figures: what the benchmark reads for cache hit rates and memory.
  process.on('SIGUSR2', () => {
    const stats = { rssBytes: process.memoryUsage.rss(), caches: caching ? cacheStats(caching.caches) : {} };
    process.stdout.write(`lyceum-stats ${JSON.stringify(stats)}\n`);
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'draining in-flight requests');
    // Open event streams never finish on their own: end them, so that closing waits only for real requests.
    live.stop();
    const timer = setTimeout(() => {
      logger.warn('requests still open after the shutdown timeout; closing them');
      server.closeAllConnections();
    }, config.shutdownTimeoutMs);
    // close() stops accepting and resolves once in-flight requests finish; idle keep-alive sockets are cut now.
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    clearTimeout(timer);
    clearInterval(rescoreTimer);
    // The job running now finishes (its mail is recorded as sent); the rest wait in the queue for the next start.
    await jobWorker?.stop();
    await visits.stop();
    caching?.stop();
    await feed.stop();
    await replicas?.stop();
    await stopRenderPool();
    await db.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof DataDirLockedError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(
      `Lyceum could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exit(1);
});
