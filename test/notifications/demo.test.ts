import { describe, expect, it } from 'vitest';
import { demoUsers } from '../../src/demo/content.js';
import { loadDemoContent } from '../../src/demo/seed.js';
import { useTestDatabase } from '../helpers/app.js';

const { db } = useTestDatabase();

describe('the demo’s notifications', () => {
  it('leaves the first demo user a few unread notifications, made by the replies it loads, and no email queued', async () => {
    await loadDemoContent(db);
    const [first] = await db.query<{ id: string; unread: number }>(
      'SELECT id, unread_notification_count AS unread FROM users WHERE username = $1',
      [demoUsers[0]!.username],
    );
    const rows = await db.query<{ kind: string; actor_id: string }>(
      'SELECT kind, actor_id FROM notifications WHERE user_id = $1 AND read_at IS NULL',
      [first!.id],
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(first!.unread).toBe(rows.length);
    expect(rows.every((row) => row.actor_id !== first!.id)).toBe(true);
    expect(await db.query(`SELECT 1 FROM jobs WHERE kind LIKE 'notification-%'`)).toEqual([]);
  }, 120_000);
});
