import path from 'node:path';
import type { Config } from '../../core/config.ts';
import { createObjectStore } from '../../core/store/index.ts';
import type { ObjectStore } from '../../core/store/port.ts';
import { connect, type Sql } from '../../db/client.ts';
import { startEmbeddedPostgres } from '../../db/embedded.ts';
import { migrate } from '../../db/migrate.ts';
import { s3Options } from '../compose/boot.ts';

/** The database and object store the server would use, opened for a one-shot command. */
export interface DataStores {
  sql: Sql;
  store: ObjectStore;
  close(): Promise<void>;
}

/**
 * Opens DATABASE_URL (or the embedded database under DATA_DIR) with migrations applied, and the
 * configured object store (S3 when S3_ENDPOINT is set, else DATA_DIR/objects), as `start` does.
 */
export async function openDataStores(config: Config): Promise<DataStores> {
  const pg = config.DATABASE_URL ? undefined : await startEmbeddedPostgres(config.dataDir);
  const sql = connect(config.DATABASE_URL ?? pg!.url, { max: 2 });
  try {
    await migrate(sql);
    const store = config.S3_ENDPOINT
      ? await createObjectStore({ kind: 's3', ...s3Options(config) })
      : await createObjectStore({ kind: 'fs', root: path.join(config.dataDir, 'objects') });
    await store.init();
    return {
      sql,
      store,
      async close() {
        await store.close();
        await sql.end({ timeout: 5 });
        await pg?.stop();
      },
    };
  } catch (e) {
    await sql.end({ timeout: 5 });
    await pg?.stop();
    throw e;
  }
}
