import { z } from 'zod';
import type { Queryable } from '../db/database.js';

/**
 * The site's settings, edited by admins at /admin/settings and stored one row per key in site_settings
 * (migration 0019). A key without a row has its default, so a new forum needs no setup; a stored value that no
 * longer fits its schema (an older shape) falls back to the default rather than failing pages.
 */

/** One karma tier of the write limits: members with karma below `belowKarma` may write this much. */
export const rateLimitTier = z.object({
  belowKarma: z.number().int().min(-1_000_000).max(1_000_000),
  postsPerWeek: z.number().int().min(0).max(10_000),
  commentsPerDay: z.number().int().min(0).max(100_000),
});
export type RateLimitTier = z.infer<typeof rateLimitTier>;

export const SETTINGS = {
  site: {
    schema: z.object({ name: z.string().min(1).max(80), description: z.string().max(300) }),
    default: {
      name: 'Lyceum',
      description:
        'A forum for research communities: long posts with math and footnotes, sequences, threaded discussion.',
    },
  },
  /** New members' first post and first comment wait for a moderator's approval. */
  review: {
    schema: z.object({ newMembers: z.boolean() }),
    default: { newMembers: true },
  },
  /**
   * LessWrong's tiers: the lowest tier a member's karma is below applies (limits/writes.ts). newMemberLinks: the
   * links to other sites a new member's post or comment may carry (limits/limits.ts NEW_MEMBER_KARMA); absent,
   * no limit.
   */
  rateLimits: {
    schema: z.object({
      tiers: z.array(rateLimitTier).max(10),
      newMemberLinks: z.number().int().min(0).max(1000).optional(),
    }),
    default: {
      tiers: [
        { belowKarma: -2, postsPerWeek: 1, commentsPerDay: 1 },
        { belowKarma: 5, postsPerWeek: 2, commentsPerDay: 3 },
      ],
      newMemberLinks: 3,
    },
  },
} as const;

export type SettingKey = keyof typeof SETTINGS;
export type Settings = { [K in SettingKey]: z.infer<(typeof SETTINGS)[K]['schema']> };

export async function readSettings(db: Queryable): Promise<Settings> {
  const rows = await db.query<{ key: string; value: unknown }>('SELECT key, value FROM site_settings');
  const stored = new Map(rows.map((row) => [row.key, row.value]));
  const settings = {} as Record<SettingKey, unknown>;
  for (const key of Object.keys(SETTINGS) as SettingKey[]) {
    const parsed = SETTINGS[key].schema.safeParse(stored.get(key));
    settings[key] = parsed.success ? parsed.data : SETTINGS[key].default;
  }
  return settings as Settings;
}

/** One setting, read fresh (inside a write's transaction, where the process's copy may be behind). */
export async function readSetting<K extends SettingKey>(db: Queryable, key: K): Promise<Settings[K]> {
  const rows = await db.query<{ value: unknown }>('SELECT value FROM site_settings WHERE key = $1', [key]);
  const parsed = SETTINGS[key].schema.safeParse(rows[0]?.value);
  return (parsed.success ? parsed.data : SETTINGS[key].default) as Settings[K];
}

export async function saveSetting<K extends SettingKey>(db: Queryable, key: K, value: Settings[K]): Promise<void> {
  const checked = SETTINGS[key].schema.parse(value);
  await db.query(
    `INSERT INTO site_settings (key, value, updated_at) VALUES ($1, $2::jsonb, now())
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
    [key, JSON.stringify(checked)],
  );
}
