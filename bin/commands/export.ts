import { parseArgs } from 'node:util';
import { loadConfig } from '../../core/secrets/load.ts';
import { exportArchive } from '../archive/export.ts';
import { openDataStores } from '../archive/open.ts';
import type { CliCommand } from '../command.ts';

/** `scenario-gen export [--campaign ID] FILE`: the user's data in one archive. */
const USAGE = `scenario-gen export [--campaign CAMPAIGN_ID] FILE

Writes campaigns, scenarios, runs, run steps, logs, plans, validation findings, agent sessions,
artifact records and notification channels (without their secrets), with the objects they name
(plans, bundles, transcripts, raw validator output), to FILE (a .tar.gz with a manifest.json).
Without --campaign it is the whole instance and adds users, API token hashes, members, settings
and prompt versions/experiments/suggestions. Reads DATABASE_URL and the object store directly,
as the server does, in one consistent snapshot; the server may keep running. Data streams
through a staging folder under TMPDIR (room for the archive needed there).
Load it elsewhere with \`scenario-gen import FILE\`.`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const command: CliCommand = {
  name: 'export',
  summary: 'Write campaigns, runs and their artifacts to one archive',
  usage: USAGE,
  async run(args, io) {
    let parsed;
    try {
      parsed = parseArgs({
        args,
        allowPositionals: true,
        options: { campaign: { type: 'string' } },
      });
    } catch (e) {
      io.stderr(`${(e as Error).message}\n`);
      return 2;
    }
    const [file, ...extra] = parsed.positionals;
    const { campaign } = parsed.values;
    if (!file || extra.length) {
      io.stderr(`${USAGE}\n`);
      return 2;
    }
    if (campaign !== undefined && !UUID.test(campaign)) {
      io.stderr('--campaign must be a campaign id (a UUID).\n');
      return 2;
    }
    const { config } = await loadConfig(io.env);
    const stores = await openDataStores(config);
    try {
      const t0 = Date.now();
      const { manifest, bytes } = await exportArchive({ ...stores, file, campaignId: campaign });
      const rows = manifest.tables.map((t) => `${t.name} ${t.rows}`).join(', ');
      io.stdout(
        `Wrote ${file} (${(bytes / 1024).toFixed(1)} KiB) in ${Date.now() - t0} ms: ${rows}; ${manifest.objects.length} objects.\n`,
      );
      if (manifest.missingObjects.length)
        io.stderr(
          `Warning: ${manifest.missingObjects.length} object(s) named by rows were not in the store: ${manifest.missingObjects.slice(0, 5).join(', ')}\n`,
        );
      return 0;
    } finally {
      await stores.close();
    }
  },
};
