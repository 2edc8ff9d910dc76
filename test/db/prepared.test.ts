import { describe, expect, it } from 'vitest';
import { openPglite } from '../../src/db/database.js';
import { useTestDatabase } from '../helpers/app.js';

const { db } = useTestDatabase();

// A statement marked prepared (Queryable.query's third argument) is planned once per connection on a PostgreSQL
// server: planning took a fifth of the server's statement time in a forum day (bench), most of it on a few
// statements every post page sends.
describe('prepared statements', () => {
  it('answers alike prepared or not, with parameters, inside transactions too, on either database', async () => {
    const sql = 'SELECT $1::int + $2::int AS sum, $3::text AS word';
    for (const [a, b, word] of [
      [1, 2, 'one'],
      [40, 2, 'two'],
      [-5, 5, "it's"],
    ] as const) {
      const plain = await db.query<{ sum: number; word: string }>(sql, [a, b, word]);
      expect(await db.query(sql, [a, b, word], true)).toEqual(plain);
      expect(plain).toEqual([{ sum: a + b, word }]);
      expect(await db.transaction((tx) => tx.query(sql, [a, b, word], true))).toEqual(plain);
    }
    // Another text is another statement, not the first one's plan run with these parameters.
    expect(await db.query('SELECT $1::text || $2::text AS joined', ['a', 'b'], true)).toEqual([{ joined: 'ab' }]);
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)(
    'is prepared once on a PostgreSQL connection and run again by its name',
    async () => {
      const sql = 'SELECT count(*)::int AS n FROM users WHERE id = $1';
      await db.transaction(async (tx) => {
        // One connection for the transaction: the statement is prepared on it once however often it runs.
        for (let i = 0; i < 3; i++) expect(await tx.query(sql, ['nobody'], true)).toEqual([{ n: 0 }]);
        const prepared = await tx.query<{ name: string }>(
          'SELECT name FROM pg_prepared_statements WHERE statement = $1',
          [sql],
        );
        expect(prepared).toHaveLength(1);
        expect(prepared[0]!.name).toMatch(/^lyceum_[0-9a-f]{20}$/);
      });
    },
  );

  it('is ignored by the embedded database', async () => {
    const embedded = await openPglite(undefined);
    try {
      expect(await embedded.query('SELECT $1::int * 2 AS twice', [21], true)).toEqual([{ twice: 42 }]);
    } finally {
      await embedded.close();
    }
  });
});
