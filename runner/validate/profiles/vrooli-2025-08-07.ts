import { FindingList } from '../findings.ts';
import { checkReferences } from '../rules/files.ts';
import { checkDocs, checkSymlinks } from '../rules/layout.ts';
import { checkJsonPlaceholders } from '../rules/placeholders.ts';
import { deploymentRefs } from '../rules/references.ts';
import { checkCategorisedResources } from '../rules/resources.ts';
import { checkServiceBlock } from '../rules/service.ts';
import { loadServiceJson } from '../rules/service-json.ts';
import type { Profile, ScenarioContext } from '../types.ts';

/**
 * The format of 2025-08-07, the era of the seed plan (scenario-generator-v1):
 * `.vrooli/service.json` (a root service.json accepted with a warning), categorised resources,
 * `initialization/…` files, `deployment.initialization.phases[].tasks[]`, README.md and test.sh.
 *
 * Stricter than Vrooli's own script of that date, which printed "Referenced file not found"
 * and still exited 0: here a missing referenced file is an error.
 */
export const vrooli20250807: Profile = {
  id: 'vrooli-2025-08-07',
  version: '1.0.0',
  description:
    'Vrooli scenarios of August 2025: .vrooli/service.json, resources grouped by category, initialization files and deployment phases.',
  deployPath: (name) => `scripts/scenarios/core/${name}`,
  async check(ctx: ScenarioContext) {
    const list = new FindingList();
    await checkSymlinks(ctx, list);
    const sj = await loadServiceJson(ctx, list, {
      rootLocation: 'warning',
      trailingComma: 'warning',
    });
    if (sj) {
      checkServiceBlock(ctx, list, sj, { nameMismatch: 'warning', requireType: true });
      checkJsonPlaceholders(list, sj.file, sj.value);
      const refs = [
        ...checkCategorisedResources(list, sj.file, sj.value),
        ...deploymentRefs(sj.value),
      ];
      await checkReferences(ctx, list, sj.file, refs, { trailingComma: 'warning' });
    }
    await checkDocs(ctx, list);
    return list.items;
  },
};
