import { randomBytes } from 'node:crypto';
import type { Queryable } from '../db/database.js';

/**
 * A secret Lyceum makes for itself and keeps in the database (app_secrets, migration 0023), so every process
 * sharing the database signs and checks with the same key and an operator has nothing to configure. Made on first
 * use; of two processes making it at once, the first insert wins and both read that one.
 */
export async function appSecret(db: Queryable, name: string): Promise<string> {
  const read = async () =>
    (await db.query<{ secret: string }>('SELECT secret FROM app_secrets WHERE name = $1', [name]))[0]?.secret;
  const found = await read();
  if (found) return found;
  await db.query('INSERT INTO app_secrets (name, secret) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [
    name,
    randomBytes(32).toString('base64url'),
  ]);
  const made = await read();
  if (!made) throw new Error(`the secret "${name}" could not be made`);
  return made;
}
