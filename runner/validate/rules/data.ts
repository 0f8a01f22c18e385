import type { FindingList } from '../findings.ts';
import type { ScenarioContext, Severity } from '../types.ts';
import { checkReferences } from './files.ts';
import { checkInitJson } from './init-json.ts';
import { checkNameRefs } from './names.ts';
import type { FileRef } from './references.ts';
import type { NameRef } from './resource-refs.ts';
import { checkStartupImports } from './startup.ts';

/**
 * The scenario's data files, as Vrooli would load them: files service.json references by path
 * or by name, files deployment/startup.sh loads, and every JSON file under initialization/ and
 * deployment/ (an error where something imports it).
 */

export interface DataPolicy {
  trailingComma: Severity;
  /** How a referenced file or name that is missing (and a broken imported file) is judged. */
  missing: Severity;
}

/** References of a scenario without a readable service.json. */
export const NO_REFS: { files: readonly FileRef[]; names: readonly NameRef[] } = {
  files: [],
  names: [],
};

/** Runs the data-file rules; `file` is the service.json the references come from, if any. */
export async function checkScenarioData(
  ctx: ScenarioContext,
  list: FindingList,
  file: string | null,
  refs: { files: readonly FileRef[]; names: readonly NameRef[] },
  policy: DataPolicy,
): Promise<void> {
  let checked = new Set<string>();
  let named: string[] = [];
  if (file !== null) {
    checked = await checkReferences(ctx, list, file, refs.files, {
      trailingComma: policy.trailingComma,
      missingFile: policy.missing,
    });
    named = await checkNameRefs(ctx, list, file, refs.names, policy.missing);
  }
  const startup = await checkStartupImports(ctx, list, policy.missing);
  await checkInitJson(
    ctx,
    list,
    { checked, importedFiles: new Set([...named, ...startup.files]), importedDirs: startup.dirs },
    { imported: 'error', trailingComma: policy.trailingComma },
  );
}
