import { createHash } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import { create } from 'tar';
import type { ObjectStore } from '../../core/store/port.ts';
import { listScenarioTree } from './copy.ts';
import { assertScenarioName, type ArchiveDeployResult } from './types.ts';

export interface ArchiveDeployOptions {
  scenarioDir: string;
  name: string;
  store: ObjectStore;
  /** Object key of the archive, e.g. `deploys/<scenario-id>/<name>-v3.tar.gz`. */
  key: string;
}

/**
 * Packs the scenario as a .tar.gz whose entries sit under `<name>/` (modes kept, owner data
 * left out) and streams it into the object store while hashing it — nothing is buffered whole.
 * @throws AppError `deploy_error` for a bad name or a symlink leading outside; the store's
 *   errors as they come.
 */
export async function deployToArchive(options: ArchiveDeployOptions): Promise<ArchiveDeployResult> {
  const name = assertScenarioName(options.name);
  const root = await realpath(options.scenarioDir);
  const entries = await listScenarioTree(root);
  const pack = create(
    { gzip: true, cwd: root, portable: true, prefix: name, noDirRecurse: true, follow: false },
    entries.map((e) => e.rel),
  );
  const hash = createHash('sha256');
  let size = 0;
  async function* hashed(): AsyncIterable<Uint8Array> {
    for await (const chunk of pack as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      size += chunk.length;
      yield chunk;
    }
  }
  await options.store.put(options.key, hashed(), { contentType: 'application/gzip' });
  return {
    target: 'archive',
    location: options.key,
    key: options.key,
    size,
    sha256: hash.digest('hex'),
  };
}
