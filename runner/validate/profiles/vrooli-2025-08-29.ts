import { profileInfo } from '../catalogue.ts';
import { FindingList } from '../findings.ts';
import { checkScenarioData, NO_REFS, type DataPolicy } from '../rules/data.ts';
import { checkValue, semverString } from '../rules/fields.ts';
import { checkDocs, checkSymlinks } from '../rules/layout.ts';
import { checkLifecycle } from '../rules/lifecycle.ts';
import { checkLifecycleFiles } from '../rules/lifecycle-files.ts';
import { checkJsonPlaceholders } from '../rules/placeholders.ts';
import { checkPorts } from '../rules/ports.ts';
import { deploymentRefs } from '../rules/references.ts';
import { checkFlatResources } from '../rules/resources.ts';
import { checkServiceBlock } from '../rules/service.ts';
import { loadServiceJson } from '../rules/service-json.ts';
import type { Profile, ScenarioContext } from '../types.ts';

// Vrooli's script of this date parsed JSON strictly, so trailing commas are errors here.
const DATA: DataPolicy = { trailingComma: 'error', missing: 'error' };

/**
 * The format of 2025-08-29: top-level `version` and a `service` object (its name equal to the
 * folder's), flat `resources.<name>`, `ports`, and `lifecycle` phases with step arrays — what
 * Vrooli then checked with JSON Schema before running anything. Rules 1.1.0 add the data-file
 * rules (references by name and under `config`, startup imports, every JSON file under
 * initialization/); 1.2.0 what its lifecycle runs: the folders steps enter and the files they
 * run, `file_exists` conditions, and the binary `develop` starts against the one `setup` builds.
 *
 * Id, rule-set version, description and deploy path: its entry in ../catalogue.ts.
 */
export const vrooli20250829: Profile = {
  ...profileInfo('vrooli-2025-08-29'),
  async check(ctx: ScenarioContext) {
    const list = new FindingList();
    await checkSymlinks(ctx, list);
    const sj = await loadServiceJson(ctx, list, {
      rootLocation: 'warning',
      trailingComma: 'error',
    });
    if (sj) {
      checkValue(list, sj.value['version'], semverString, {
        ruleId: 'service-json.version',
        label: 'version',
        path: ['version'],
        file: sj.file,
        hint: 'Add a top-level "version": "1.0.0" (the configuration version).',
      });
      checkServiceBlock(ctx, list, sj, { nameMismatch: 'error', requireType: false });
      checkJsonPlaceholders(list, sj.file, sj.value);
      checkPorts(list, sj.file, sj.value);
      checkLifecycle(list, sj.file, sj.value);
      await checkLifecycleFiles(ctx, list, sj.file, sj.value, { severity: 'error' });
      const res = checkFlatResources(list, sj.file, sj.value);
      const files = [...res.files, ...deploymentRefs(sj.value)];
      await checkScenarioData(ctx, list, sj.file, { files, names: res.names }, DATA);
    } else await checkScenarioData(ctx, list, null, NO_REFS, DATA);
    await checkDocs(ctx, list);
    return list.items;
  },
};
