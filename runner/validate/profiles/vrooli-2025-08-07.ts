import { profileInfo } from '../catalogue.ts';
import { FindingList } from '../findings.ts';
import { checkScenarioData, NO_REFS, type DataPolicy } from '../rules/data.ts';
import { checkDocs, checkSymlinks } from '../rules/layout.ts';
import { checkJsonPlaceholders } from '../rules/placeholders.ts';
import { deploymentRefs } from '../rules/references.ts';
import { checkCategorisedResources } from '../rules/resources-categorised.ts';
import { checkServiceBlock } from '../rules/service.ts';
import { loadServiceJson } from '../rules/service-json.ts';
import type { Profile, ScenarioContext } from '../types.ts';

const DATA: DataPolicy = { trailingComma: 'warning', missing: 'error' };

/**
 * The format of 2025-08-07, the era of the seed plan (scenario-generator-v1):
 * `.vrooli/service.json` (a root service.json accepted with a warning), categorised resources,
 * `initialization/…` files, `deployment.initialization.phases[].tasks[]`, README.md and test.sh.
 *
 * Stricter than Vrooli's own script of that date, which printed "Referenced file not found"
 * and still exited 0: here a missing referenced file is an error. Rules 1.1.0 follow what the
 * injection engine and startup scripts load: any category holding resources, an
 * `initialization` array (which the engine skips) as an error, references by name and under
 * `config`, files deployment/startup.sh loads, and every JSON file under initialization/.
 *
 * Id, rule-set version, description and deploy path: its entry in ../catalogue.ts.
 */
export const vrooli20250807: Profile = {
  ...profileInfo('vrooli-2025-08-07'),
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
      const res = checkCategorisedResources(list, sj.file, sj.value, {
        arrayInitialization: 'error',
      });
      const files = [...res.files, ...deploymentRefs(sj.value)];
      await checkScenarioData(ctx, list, sj.file, { files, names: res.names }, DATA);
    } else await checkScenarioData(ctx, list, null, NO_REFS, DATA);
    await checkDocs(ctx, list);
    return list.items;
  },
};
