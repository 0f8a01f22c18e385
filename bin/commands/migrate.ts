import { loadConfig } from '../../core/secrets/load.ts';
import { connect } from '../../db/client.ts';
import { startEmbeddedPostgres } from '../../db/embedded.ts';
import { migrate } from '../../db/migrate.ts';
import type { CliCommand } from '../command.ts';

/** `scenario-gen migrate`: applies pending migrations to DATABASE_URL (or the embedded database). */
export const command: CliCommand = {
  name: 'migrate',
  summary: 'Apply pending database migrations and exit',
  usage:
    'scenario-gen migrate\n\nApplies the numbered migrations in db/migrations to DATABASE_URL, or to the embedded\ndatabase under DATA_DIR when DATABASE_URL is unset. Safe to run twice.',
  async run(_args, io) {
    const { config } = await loadConfig(io.env);
    const pg = config.DATABASE_URL ? undefined : await startEmbeddedPostgres(config.dataDir);
    const sql = connect(config.DATABASE_URL ?? pg!.url, { max: 1 });
    try {
      const applied = await migrate(sql);
      io.stdout(
        applied.length
          ? `Applied: ${applied.join(', ')}\n`
          : 'Nothing to apply: the database is current.\n',
      );
      return 0;
    } finally {
      await sql.end({ timeout: 5 });
      await pg?.stop();
    }
  },
};
