import type { ChangeFeed } from '../db/changes.js';
import type { Queryable } from '../db/database.js';
import { readSettings, SETTINGS, type Settings } from './settings.js';

/**
 * The site's settings as this process knows them, so that every page can show the site's name and description
 * without a query. Kept fresh by the change feed: site_settings' trigger (migration 0019) announces 'all' (which
 * also empties every cache), and a listener that was lost may have missed a change: both read the settings
 * again. main.ts listens for changes even with PAGE_CACHE_TTL_MS=0 for this, so with several instances each
 * hears the others' changes. This process's own saves (the admin page) call reload() and show at once; so does a
 * test without a change feed after storing settings directly.
 */
export interface SiteSettings {
  /** The settings as last read (synchronous: pages read it without waiting). */
  readonly current: Settings;
  /** Reads the settings again; resolves once `current` has them. */
  reload(): Promise<void>;
}

export async function openSiteSettings(
  db: Queryable,
  options: {
    feed?: ChangeFeed | undefined;
    /**
     * Called when a reload found different settings. Pages built between the 'all' notification (which emptied
     * the caches) and this reload show the old name: main.ts empties the caches again here.
     */
    onChange?: (() => void) | undefined;
  } = {},
): Promise<SiteSettings> {
  let current = await readSettings(db);
  let latest = 0;
  let reading: Promise<void> | undefined;

  const reload = async () => {
    const mine = ++latest;
    const fresh = await readSettings(db);
    // An older read that finishes last must not overwrite a newer one.
    if (mine !== latest) return;
    const changed = JSON.stringify(fresh) !== JSON.stringify(current);
    current = fresh;
    if (changed) options.onChange?.();
  };
  let again = false;
  const reloadQuietly = (): void => {
    // A change announced while a read is under way may have committed after it began: read once more after it.
    if (reading) {
      again = true;
      return;
    }
    // A failed read keeps the last copy (the defaults at worst); the next change tries again.
    reading = reload()
      .catch(() => {})
      .finally(() => {
        reading = undefined;
        if (again) {
          again = false;
          reloadQuietly();
        }
      });
  };

  options.feed?.subscribe({
    onChange: (message) => {
      if (message === 'all') reloadQuietly();
    },
    onReset: (listening) => {
      if (listening) reloadQuietly();
    },
  });
  return {
    get current() {
      return current;
    },
    reload,
  };
}

/** The settings a page shows when the app was assembled without a settings store (benchmarks, some tests). */
export const DEFAULT_SETTINGS: Settings = Object.fromEntries(
  Object.entries(SETTINGS).map(([key, setting]) => [key, setting.default]),
) as unknown as Settings;
