import { loadConfig, redactUrl } from '../config.js';
import { prepareDataDir } from '../store/data-dir.js';
import { migrateToLatest, openStore } from '../store/store.js';

export async function runMigrate(): Promise<void> {
  const config = loadConfig();
  await prepareDataDir(config.dataDir);
  const store = openStore(config.database);
  try {
    const { applied } = await migrateToLatest(store, config.database);
    const where = config.database.kind === 'sqlite' ? config.database.file : redactUrl(config.database.url);
    process.stdout.write(
      applied.length === 0
        ? `store is up to date (${where})\n`
        : `applied ${applied.length} migration(s) to ${where}: ${applied.join(', ')}\n`,
    );
  } finally {
    await store.close();
  }
}
