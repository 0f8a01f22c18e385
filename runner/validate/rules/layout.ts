import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FindingList } from '../findings.ts';
import { symlinkEscapes } from '../paths.ts';
import type { ScenarioContext } from '../types.ts';
import { checkTextPlaceholders } from './placeholders.ts';
import { scenarioTree } from './tree.ts';

/**
 * Folder-level rules shared by the profiles: the documentation and test entry point Vrooli's
 * tooling looked for, and symlinks that would carry a path outside the scenario along with it.
 */

/**
 * A missing README.md or test.sh, or a test.sh without its run bit, is a warning: real
 * scenarios that Vrooli accepted lack them.
 */
export async function checkDocs(ctx: ScenarioContext, list: FindingList): Promise<void> {
  const readme = await stat(path.join(ctx.dir, 'README.md')).catch(() => null);
  if (!readme?.isFile()) {
    list.warning('readme.missing', 'README.md is missing.', {
      hint: 'Describe what the scenario does and how to run it.',
    });
  } else if (readme.size <= 1024 * 1024) {
    checkTextPlaceholders(
      list,
      'README.md',
      await readFile(path.join(ctx.dir, 'README.md'), 'utf8'),
      'warning',
    );
  }
  const test = await stat(path.join(ctx.dir, 'test.sh')).catch(() => null);
  if (!test?.isFile()) {
    list.warning('test-sh.missing', 'test.sh is missing.', {
      hint: 'Add a test.sh that checks the running scenario.',
    });
  } else if ((test.mode & 0o111) === 0) {
    list.warning('test-sh.not-executable', 'test.sh is not executable.', {
      file: 'test.sh',
      hint: 'chmod +x test.sh',
    });
  }
}

/** Every symlink in the scenario must point inside it; one pointing out is an error. */
export async function checkSymlinks(ctx: ScenarioContext, list: FindingList): Promise<void> {
  const { entries, truncated } = await scenarioTree(ctx);
  if (truncated)
    list.warning(
      'tree.too-large',
      `The scenario has more than ${entries.length} entries; only those were inspected.`,
    );
  for (const e of entries) {
    if (e.kind !== 'symlink') continue;
    if (await symlinkEscapes(ctx.dir, e.rel)) {
      list.error('file.symlink-escape', `Symlink ${e.rel} points outside the scenario folder.`, {
        file: e.rel,
        hint: 'Copy the file into the scenario instead of linking to it.',
      });
    }
  }
}
