// `npm run user -- make-admin|make-moderator|make-member <username>`: give a user a role from the shell (how a
// new forum gets its first admin); `set-password <username>` sets a password (piped in, or made and printed).
// Opens the embedded database under its DATA_DIR lock, or PostgreSQL with DATABASE_URL, like every operator command.
import { ConfigError, loadConfig } from '../src/config.js';
import { DataDirLockedError } from '../src/db/lock.js';
import { openDatabase } from '../src/db/open.js';
import { runUserCommand, UserCommandError } from '../src/moderation/user-command.js';

try {
  const config = loadConfig();
  const { db } = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  try {
    // set-password reads a piped password (never a command-line argument, which other users could see in ps).
    const stdin = async () => {
      if (process.stdin.isTTY) return '';
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    };
    console.log(await runUserCommand(db, process.argv.slice(2), stdin));
  } finally {
    await db.close();
  }
} catch (error) {
  if (error instanceof ConfigError || error instanceof DataDirLockedError || error instanceof UserCommandError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
