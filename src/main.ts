import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { forgetOldLoginFailures } from './accounts/service.js';
import { deleteExpiredSessions } from './accounts/sessions.js';
import { cacheStats, startCaches } from './cache/caches.js';
import { ConfigError, loadConfig } from './config.js';
import { renderPoolOptions, startRenderPool, stopRenderPool } from './content/pool.js';
import { startChangeFeed } from './db/changes.js';
import { DataDirLockedError } from './db/lock.js';
import { openDatabase, startReplicaRouting } from './db/open.js';
import { loadDemoContent } from './demo/seed.js';
import { MAGIC_REFRESH_INTERVAL_MS, refreshMagicScores } from './votes/ranking.js';
import { createApp } from './web/app.js';
import { loadAssets } from './web/assets.js';
import { createHttpServer } from './web/server.js';

async function main() {
  const config = loadConfig(process.env, process.argv.slice(2));
  const logger = pino({ level: config.logLevel, base: { pid: process.pid } });
  // Workers warm up while the database opens; every render and diff runs in them.
  await startRenderPool(renderPoolOptions(config));

  const { db, applied } = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  logger.info({ database: db.kind, applied }, applied.length ? 'migrations applied' : 'database up to date');

  if (config.loadDemo) {
    const logins = await loadDemoContent(db);
    if (logins.length > 0) {
      // Printed once, to the terminal of the person who started the forum, so they can log in as a demo user.
      process.stdout.write(
        `\nDemo content loaded. Demo accounts (username / password), shown only this once:\n` +
          logins.map((l) => `  ${l.username.padEnd(12)} ${l.password}`).join('\n') +
          `\nStart with --no-demo or LYCEUM_DEMO=0 to skip demo content on a new database.\n\n`,
      );
    }
  }

  // Scores decay with age: rescore recent and top posts now and every few minutes (idempotent, so several
  // processes doing it is harmless).
  // The same job forgets expired sessions and old login failures, so those tables stay small.
  const rescore = () =>
    Promise.all([refreshMagicScores(db), deleteExpiredSessions(db), forgetOldLoginFailures(db)]).catch((err: unknown) =>
      logger.error({ err }, 'periodic maintenance failed'),
    );
  await rescore();
  const rescoreTimer = setInterval(rescore, MAGIC_REFRESH_INTERVAL_MS);
  rescoreTimer.unref();

  const assets = await loadAssets();
  // One stream of change notifications for everything this process keeps copies of (caches, replica routing).
  const feed = config.pageCacheTtlMs > 0 || config.databaseReadUrl ? await startChangeFeed(db, logger) : undefined;
  const caching = feed && startCaches(config, feed);
  const replicas =
    feed && config.databaseReadUrl ? await startReplicaRouting(db, config.databaseReadUrl, feed) : undefined;
  const app = createApp({ db, config, logger, assets, caches: caching?.caches, replicas: replicas?.router });
  // Cache hits are answered by the server before the app (src/web/server.ts).
  const server = createHttpServer({ app, config, logger, caches: caching?.caches });
  server.listen(config.port, config.host, () => {
    const { port } = server.address() as AddressInfo;
    const url = config.baseUrl.replace(/:\d+$/, `:${port}`);
    logger.info({ port }, `Lyceum is serving ${url}`);
    process.stdout.write(`Lyceum is running at ${url}\n`);
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
    caching?.stop();
    await feed?.stop();
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
