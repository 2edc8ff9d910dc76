import { describe, expect, it } from 'vitest';
import { isId, newId } from '../../src/db/ids.js';
import { migrate, readMigrations } from '../../src/db/migrate.js';
import { useTestDatabase } from '../helpers/app.js';

const { db } = useTestDatabase();

describe('migrations', () => {
  it('records every migration exactly once, and a second run applies nothing', async () => {
    const recorded = await db.query<{ version: string }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(recorded.map((r) => r.version)).toEqual(readMigrations().map((m) => m.version));
    expect(await migrate(db)).toEqual([]);
  });

  it('applies a new migration once even when two migrators start together', async () => {
    const extra = [
      {
        version: '9001',
        name: 'probe',
        sql: 'CREATE TABLE migration_probe (n int); INSERT INTO migration_probe VALUES (1);',
      },
    ];
    const [a, b] = await Promise.all([migrate(db, extra), migrate(db, extra)]);
    expect([...a, ...b]).toEqual(['9001_probe']);
    expect(await db.query('SELECT n FROM migration_probe')).toEqual([{ n: 1 }]);
  });

  it('rolls back a failing migration entirely, recording nothing', async () => {
    const broken = [
      { version: '9002', name: 'broken', sql: 'CREATE TABLE half_done (n int); SELECT no_such_function();' },
    ];
    await expect(migrate(db, broken)).rejects.toThrow();
    expect(await db.query("SELECT 1 FROM schema_migrations WHERE version = '9002'")).toHaveLength(0);
    expect(await db.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done'")).toHaveLength(0);
  });
});

describe('ids', () => {
  it('are 17 base-62 characters and do not repeat', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newId()));
    expect(ids.size).toBe(10_000);
    for (const id of [...ids].slice(0, 100)) expect(isId(id)).toBe(true);
    expect(isId('short')).toBe(false);
    expect(isId('abc-def_ghi.jklmn')).toBe(false);
  });
});
