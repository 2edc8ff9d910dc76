// `npm run seed`: load the demo forum into the configured database if it has no users yet.
import { ConfigError, loadConfig } from '../src/config.js';
import { DataDirLockedError } from '../src/db/lock.js';
import { openDatabase } from '../src/db/open.js';
import { loadDemoContent } from '../src/demo/seed.js';

try {
  const config = loadConfig();
  const { db } = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  try {
    const logins = await loadDemoContent(db);
    if (logins.length === 0) {
      console.log('The database already has users; demo content was not loaded.');
    } else {
      console.log('Demo content loaded. Demo accounts (username / password):');
      for (const l of logins) console.log(`  ${l.username.padEnd(12)} ${l.password}`);
    }
  } finally {
    await db.close();
  }
} catch (error) {
  if (error instanceof ConfigError || error instanceof DataDirLockedError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
