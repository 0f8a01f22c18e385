import { FindingList } from '../findings.ts';
import { checkValue, semverString } from '../rules/fields.ts';
import { checkReferences } from '../rules/files.ts';
import { checkDocs, checkSymlinks } from '../rules/layout.ts';
import { checkLifecycle } from '../rules/lifecycle.ts';
import { checkJsonPlaceholders } from '../rules/placeholders.ts';
import { checkPorts } from '../rules/ports.ts';
import { deploymentRefs } from '../rules/references.ts';
import { checkFlatResources } from '../rules/resources.ts';
import { checkServiceBlock } from '../rules/service.ts';
import { loadServiceJson } from '../rules/service-json.ts';
import type { Profile, ScenarioContext } from '../types.ts';

/**
 * The format of 2025-08-29: top-level `version` and a `service` object (its name equal to the
 * folder's), flat `resources.<name>`, `ports`, and `lifecycle` phases with step arrays — what
 * Vrooli then checked with JSON Schema before running anything.
 */
export const vrooli20250829: Profile = {
  id: 'vrooli-2025-08-29',
  version: '1.0.0',
  description:
    'Vrooli scenarios of late August 2025: version + service, flat resources, ports and lifecycle (setup/develop/test/stop steps).',
  deployPath: (name) => `scenarios/${name}`,
  async check(ctx: ScenarioContext) {
    const list = new FindingList();
    await checkSymlinks(ctx, list);
    // Vrooli's script of this date parsed JSON strictly, so trailing commas are errors here.
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
      const refs = [...checkFlatResources(list, sj.file, sj.value), ...deploymentRefs(sj.value)];
      await checkReferences(ctx, list, sj.file, refs, { trailingComma: 'error' });
    }
    await checkDocs(ctx, list);
    return list.items;
  },
};
