// `npm run recount`: recompute scores, vote counts, agreement totals and karma from the votes table, tag links'
// relevance from their votes and tags' post counts, and report every counter it repaired.
import { ConfigError, loadConfig } from '../src/config.js';
import { DataDirLockedError } from '../src/db/lock.js';
import { openDatabase } from '../src/db/open.js';
import { describeRepair, recountVotes } from '../src/votes/recount.js';

try {
  const config = loadConfig();
  const { db } = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  try {
    const repairs = await recountVotes(db);
    if (repairs.length === 0) {
      console.log('Recounted every score and karma from the votes: nothing to repair.');
    } else {
      console.log(`Recounted every score and karma from the votes; repaired ${repairs.length}:`);
      for (const repair of repairs) console.log(`  ${describeRepair(repair)}`);
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
