import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Built-in stand-ins for Vrooli's own commands that scenarios call from lifecycle steps:
 * - `populate.sh` (scripts/resources/populate/): applies a scenario's initialisation to its
 *   resources. The check has already applied it to the scratch resources before the lifecycle
 *   starts; the stand-in prints that outcome and exits with it, so a step that populates fails
 *   exactly when the initialisation did.
 * - `vrooli`: answers `vrooli resource status` and `vrooli resource <provided> status`; every
 *   other use is recorded as not exercised (the step's verdict says so) and exits 1.
 * They talk to the check through files in SG_RUNTIME_STATE, keyed by SG_RUNTIME_STEP.
 */

const POPULATE = `#!/usr/bin/env bash
# Stand-in for Vrooli's populate.sh, written by Scenario Generator's runtime check: the
# scenario's initialisation was applied to the scratch resources before the lifecycle began.
state="\${SG_RUNTIME_STATE:?}"
cat "$state/populate.log" 2>/dev/null
code="$(cat "$state/populate.code" 2>/dev/null)"
exit "\${code:-1}"
`;

const VROOLI = `#!/usr/bin/env bash
# Stand-in for Vrooli's CLI, written by Scenario Generator's runtime check.
state="\${SG_RUNTIME_STATE:-}"
provided=" $(cat "$state/provided" 2>/dev/null) "
if [ "$1" = resource ]; then
  case "$2" in
    status|list) echo "resources provided by the runtime check:$provided"; exit 0 ;;
  esac
  if [ "$3" = status ] && [[ "$provided" == *" $2 "* ]]; then
    echo "$2: running (a scratch instance of the runtime check)"; exit 0
  fi
fi
if [ -n "$state" ]; then printf '%s\\t%s\\n' "\${SG_RUNTIME_STEP:-?}" "vrooli $*" >> "$state/marks"; fi
echo "vrooli (runtime check stand-in): 'vrooli $*' is not available in the runtime check" >&2
exit 1
`;

/** Where Vrooli keeps populate.sh, relative to a checkout. */
export const POPULATE_PATH = 'scripts/resources/populate/populate.sh';

async function put(file: string, text: string, mode: number): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
  await chmod(file, mode);
}

/** Writes `vrooli` into `binDir` and populate.sh at each of `populateAt` (absolute paths). */
export async function writeStandIns(binDir: string, populateAt: readonly string[]): Promise<void> {
  await put(path.join(binDir, 'vrooli'), VROOLI, 0o755);
  for (const p of populateAt) await put(p, POPULATE, 0o755);
}

/** Records the initialisation's outcome for the populate stand-in, and what was provided. */
export async function writeState(
  stateDir: string,
  state: { populateOk: boolean; populateLog: readonly string[]; provided: readonly string[] },
): Promise<void> {
  await writeFile(path.join(stateDir, 'populate.code'), state.populateOk ? '0\n' : '1\n');
  await writeFile(path.join(stateDir, 'populate.log'), `${state.populateLog.join('\n')}\n`);
  await writeFile(path.join(stateDir, 'provided'), state.provided.join(' '));
}

/** What the stand-ins recorded as not exercised during one step. */
export async function readMarks(stateDir: string, stepId: string): Promise<string[]> {
  const text = await readFile(path.join(stateDir, 'marks'), 'utf8').catch(() => '');
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab > 0 && line.slice(0, tab) === stepId) {
      const what = line.slice(tab + 1).slice(0, 200);
      if (!out.includes(what)) out.push(what);
    }
  }
  return out;
}
