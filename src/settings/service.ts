import type { Queryable } from '../db/database.js';
import { Forbidden } from '../errors.js';
import { recordModeration } from '../moderation/log.js';
import type { Actor } from '../policy/actor.js';
import { canEditSiteSettings } from '../policy/policy.js';
import { readSettings, type SettingKey, type Settings, saveSetting } from './settings.js';

const WHAT: Record<SettingKey, string> = {
  site: 'the site’s name or description',
  review: 'review of new members',
  rateLimits: 'rate limits',
};

/**
 * Saves the admin settings page in one transaction with its moderation log entry (target 'site'), writing only
 * the keys that changed: each write announces 'all' (migration 0019's trigger), which empties every cache.
 * Returns what changed, in words ("name and description, rate limits"); nothing logged when nothing changed.
 */
export async function saveSiteSettings(
  db: Queryable,
  actor: Actor,
  wanted: Pick<Settings, 'site' | 'review' | 'rateLimits'>,
): Promise<string[]> {
  if (!canEditSiteSettings(actor)) throw new Forbidden('Only admins may change the site’s settings.');
  return db.transaction(async (tx) => {
    const stored = await readSettings(tx);
    const changed = (Object.keys(wanted) as (keyof typeof wanted)[]).filter(
      (key) => JSON.stringify(wanted[key]) !== JSON.stringify(stored[key]),
    );
    for (const key of changed) await saveSetting(tx, key, wanted[key]);
    if (changed.length > 0) {
      await recordModeration(tx, {
        moderatorId: actor.id,
        action: 'change-site-settings',
        targetType: 'site',
        targetId: 'settings',
        targetLabel: wanted.site.name,
        reason: `Changed: ${changed.map((key) => WHAT[key]).join(', ')}.`,
      });
    }
    return changed.map((key) => WHAT[key]);
  });
}
