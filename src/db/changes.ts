import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Database, Listener } from './database.js';

/**
 * The channel on which database triggers (migrations 0007 and 0009) announce every committed change a page
 * could show: "post:<id>", "user:<id>", "sequence:<id>", "sequences", "reader:<id>" or "all".
 */
const CHANGE_CHANNEL = 'lyceum_cache';

/** What hears of changes: this process's caches and its read-replica router. */
export interface ChangeSubscriber {
  /** One committed change, in commit order. */
  onChange(message: string): void;
  /** Changes may be missed from now on (`listening` false), or were and no longer are (`listening` true). */
  onReset(listening: boolean): void;
}

/**
 * This process's one stream of change notifications, in commit order, for every part that keeps copies of the
 * database (caches, the replica router): one listening connection, one order, so no part can act on a change
 * before another has heard of it.
 */
export interface ChangeFeed {
  subscribe(subscriber: ChangeSubscriber): void;
  /** False while the listening connection is lost (notifications may be missed). */
  readonly listening: boolean;
  /** The listening connection's application_name, on a PostgreSQL server. */
  readonly connectionName: string | undefined;
  /**
   * Resolves once every change committed before the call has been handed to the subscribers (a marker sent
   * through the channel comes back after them). If it does not come back in time the listening connection is
   * taken for dead: the subscribers are reset and it reconnects. Never rejects: a write has already happened
   * when this is asked, so its answer must not fail because of it.
   */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

/** Markers of `settle` and the liveness check; other processes ignore them. */
const MARKER_PREFIX = 'settle:';
/** A marker that does not come back within this time means the listening connection is dead. */
const SETTLE_TIMEOUT_MS = 2_000;
/** With no notification for this long, a marker is sent to check the connection still delivers. */
const LIVENESS_INTERVAL_MS = 15_000;

function isMarker(message: string): boolean {
  return message.startsWith(MARKER_PREFIX);
}

export async function startChangeFeed(db: Database, logger: Logger): Promise<ChangeFeed> {
  const subscribers: ChangeSubscriber[] = [];
  const waiting = new Map<string, () => void>();
  let lastHeard = Date.now();
  let stopped = false;
  let listening = true;

  const reset = (now: boolean) => {
    listening = now;
    for (const subscriber of subscribers) subscriber.onReset(now);
  };
  const listener: Listener = await db.listen(CHANGE_CHANNEL, {
    onMessage(message) {
      lastHeard = Date.now();
      if (isMarker(message)) {
        waiting.get(message)?.();
        return;
      }
      for (const subscriber of subscribers) subscriber.onChange(message);
    },
    onLost() {
      logger.warn('lost the change-notification connection; caches are off until it is back');
      reset(false);
      // Nothing will come back on a lost connection: release the writers waiting for it.
      for (const release of waiting.values()) release();
    },
    onRestored() {
      logger.info('listening for changes again; caches emptied and back on');
      reset(true);
    },
  });

  const roundTrip = (): Promise<boolean> =>
    new Promise((resolve) => {
      const marker = `${MARKER_PREFIX}${randomBytes(8).toString('hex')}`;
      const done = (heard: boolean) => {
        clearTimeout(timer);
        waiting.delete(marker);
        resolve(heard);
      };
      const timer = setTimeout(() => done(false), SETTLE_TIMEOUT_MS);
      waiting.set(marker, () => done(true));
      db.query('SELECT pg_notify($1, $2)', [CHANGE_CHANNEL, marker]).catch((error: unknown) => {
        logger.warn({ err: error }, 'could not send a change marker');
        done(false);
      });
    });

  const checkAlive = async () => {
    if (await roundTrip()) return;
    if (stopped) return;
    logger.warn('a change marker did not come back; reconnecting the listener');
    // The listener reports the loss (subscribers stop trusting their copies) and, once back, the recovery.
    listener.reconnect();
  };

  const liveness = setInterval(() => {
    if (Date.now() - lastHeard >= LIVENESS_INTERVAL_MS) void checkAlive();
  }, LIVENESS_INTERVAL_MS);
  liveness.unref();

  return {
    subscribe(subscriber) {
      subscribers.push(subscriber);
    },
    get listening() {
      return listening;
    },
    connectionName: listener.connectionName,
    async settle() {
      if (!(await roundTrip()) && !stopped) {
        logger.warn('a settle marker did not come back; reconnecting the listener');
        listener.reconnect();
      }
    },
    async stop() {
      stopped = true;
      clearInterval(liveness);
      await listener.stop();
    },
  };
}
