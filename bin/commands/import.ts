import { loadConfig } from '../../core/secrets/load.ts';
import { importArchive } from '../archive/import.ts';
import { openDataStores } from '../archive/open.ts';
import type { CliCommand } from '../command.ts';

/** `scenario-gen import FILE`: loads an archive written by `scenario-gen export`. */
const USAGE = `scenario-gen import FILE

Loads an archive written by \`scenario-gen export\` into DATABASE_URL (or the embedded database)
and the object store, as \`start\` would open them. The archive is checked whole first (SHA-256,
sizes, row counts): a truncated or corrupt one is refused before anything is written. Rows go
in one transaction; objects are written at its end and removed again if anything fails.
Safe to run twice: rows and objects already present with the same contents are skipped. When
a row's key (or a unique value such as a live campaign's name) or an object's key is already
taken by different contents, nothing is imported and the clash is named. The archive and the
database must be at the same schema version (run \`scenario-gen migrate\` first). Notification
channels arrive without their secrets, disabled; the command names them.`;

export const command: CliCommand = {
  name: 'import',
  summary: 'Load an archive written by export',
  usage: USAGE,
  async run(args, io) {
    const [file, ...extra] = args;
    if (!file || extra.length || file.startsWith('-')) {
      io.stderr(`${USAGE}\n`);
      return 2;
    }
    const { config } = await loadConfig(io.env);
    const stores = await openDataStores(config);
    try {
      const t0 = Date.now();
      const { inserted, objectsWritten, manifest } = await importArchive({ ...stores, file });
      const rows = manifest.tables
        .map((t) => `${t.name} ${inserted[t.name] ?? 0}/${t.rows}`)
        .join(', ');
      io.stdout(
        `Imported ${file} in ${Date.now() - t0} ms: new rows ${rows}; ${objectsWritten}/${manifest.objects.length} objects written.\n`,
      );
      if (manifest.secretsOmitted.length)
        io.stdout(
          `Notification channels imported without their secrets, disabled until they are entered again: ${manifest.secretsOmitted.join(', ')}.\n`,
        );
      return 0;
    } finally {
      await stores.close();
    }
  },
};
