import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AppError } from '../../../core/errors.ts';
import { handOver } from '../../boundary/handover.ts';
import type { RunAs } from '../../boundary/identity.ts';
import { copyScenarioTree } from '../../deploy-targets/copy.ts';
import { lexicalRelative } from '../../validate/paths.ts';
import { POPULATE_PATH, writeStandIns } from './standins.ts';

/**
 * The isolated root a runtime check runs in: a fresh temporary folder laid out like a Vrooli
 * checkout — the scenario's copy at the profile's place (`scenarios/<name>`), Vrooli's
 * populate.sh stand-in at `scripts/resources/populate/`, a HOME and TMPDIR of its own, the
 * `vrooli` stand-in on PATH — handed to the agent user as a whole. The original is never touched.
 */

export interface Sandbox {
  root: string;
  /** The scenario's copy: every step's working directory. */
  scenarioDir: string;
  home: string;
  tmp: string;
  /** Stand-ins, first on PATH. */
  bin: string;
  /** Files the stand-ins and the check share. */
  state: string;
  remove(): Promise<void>;
}

/** The scenario to copy, where it goes, and whom to hand the root to. */
export interface SandboxOptions {
  source: string;
  /** Where the format keeps the scenario, relative to a checkout: a profile's `deployPath(name)`. */
  layout: string;
  /** Lifecycle command lines: a scenario-relative call of populate.sh gets a stand-in there too. */
  commands: readonly string[];
  runAs?: RunAs;
}

/** Creates the root, copies the scenario, writes the stand-ins and hands it all to `runAs`. */
export async function createSandbox(options: SandboxOptions): Promise<Sandbox> {
  const layout = lexicalRelative(options.layout);
  if (!layout.ok)
    throw new AppError('invalid_input', `Invalid scenario layout "${options.layout}".`);
  const root = await realpath(await mkdtemp(path.join(tmpdir(), 'sg-runtime-')));
  const remove = (): Promise<void> => rm(root, { recursive: true, force: true });
  try {
    const scenarioDir = path.join(root, layout.rel);
    await copyScenarioTree(options.source, scenarioDir);
    const runtime = path.join(root, '.runtime');
    const box: Sandbox = {
      root,
      scenarioDir,
      home: path.join(root, '.home'),
      tmp: path.join(root, '.tmp'),
      bin: path.join(runtime, 'bin'),
      state: path.join(runtime, 'state'),
      remove,
    };
    for (const d of [box.home, box.tmp, box.bin, box.state]) await mkdir(d, { recursive: true });
    const populateAt = [path.join(root, POPULATE_PATH)];
    // Some steps call it relative to the scenario (`scripts/resources/populate/populate.sh .`).
    const ownCopy = path.join(scenarioDir, POPULATE_PATH);
    if (
      options.commands.some((c) =>
        /(?:^|[\s;&|(])(?:\.\/)?scripts\/resources\/populate\//.test(c),
      ) &&
      !existsSync(ownCopy)
    )
      populateAt.push(ownCopy);
    await writeStandIns(box.bin, populateAt);
    await handOver(root, options.runAs);
    return box;
  } catch (e) {
    await remove();
    throw e;
  }
}
