import { profileInfo } from '../catalogue.ts';
import { FindingList } from '../findings.ts';
import { isObject } from '../json.ts';
import { checkValue, semverString } from '../rules/fields.ts';
import { checkScenarioData, NO_REFS, type DataPolicy } from '../rules/data.ts';
import { checkSymlinks } from '../rules/layout.ts';
import { checkLifecycle } from '../rules/lifecycle.ts';
import { checkLifecycleFiles } from '../rules/lifecycle-files.ts';
import { checkJsonPlaceholders, MUSTACHE_PLACEHOLDER, PLACEHOLDER } from '../rules/placeholders.ts';
import { checkPorts } from '../rules/ports.ts';
import { checkFlatResources } from '../rules/resources.ts';
import { checkServiceBlock } from '../rules/service.ts';
import { loadServiceJson } from '../rules/service-json.ts';
import {
  checkHealthChecks,
  checkRequiredLayout,
  checkVrooliJsonFiles,
} from '../rules/structure.ts';
import type { Profile, ScenarioContext } from '../types.ts';

// Vrooli's own structure check of this era ignored references, and scenarios it passed
// (fall-foliage-explorer) list workflows they no longer ship: a missing one is a warning.
const DATA: DataPolicy = { trailingComma: 'error', missing: 'warning' };

/**
 * The current layout (2026-01-09): api/, cli/, ui/, docs/, requirements/, PRD.md, Makefile,
 * `.vrooli/testing.json`, resources under `dependencies.resources`, health checks in the
 * lifecycle — the existence rules of Vrooli's test-genie structure phase, plus the checks
 * shared with the earlier formats (ports, lifecycle steps, placeholders, and referenced files,
 * where a missing one is only a warning). Rules 1.1.0 add the data-file rules, with missing
 * references as warnings; 1.2.0 the files lifecycle steps use, as warnings too: test-genie's
 * structure phase, whose verdicts this profile follows, passed scenarios whose setup chmods a file
 * they do not ship (fall-foliage-explorer). Optional profile: not yet used by the pipeline.
 *
 * Id, rule-set version, description and deploy path: its entry in ../catalogue.ts.
 */
export const vrooli20260109: Profile = {
  ...profileInfo('vrooli-2026-01-09'),
  async check(ctx: ScenarioContext) {
    const list = new FindingList();
    await checkSymlinks(ctx, list);
    await checkRequiredLayout(ctx, list);
    const sj = await loadServiceJson(ctx, list, { rootLocation: 'error', trailingComma: 'error' });
    if (sj) {
      checkValue(list, sj.value['version'], semverString, {
        ruleId: 'service-json.version',
        label: 'version',
        path: ['version'],
        file: sj.file,
      });
      checkServiceBlock(ctx, list, sj, { nameMismatch: 'error', requireType: false });
      checkJsonPlaceholders(list, sj.file, sj.value, 'error', [PLACEHOLDER, MUSTACHE_PLACEHOLDER]);
      checkPorts(list, sj.file, sj.value);
      checkLifecycle(list, sj.file, sj.value);
      checkHealthChecks(list, sj.file, sj.value);
      await checkLifecycleFiles(ctx, list, sj.file, sj.value, { severity: 'warning' });
      const deps = sj.value['dependencies'];
      const refs =
        isObject(deps) && deps['resources'] !== undefined
          ? checkFlatResources(list, sj.file, { resources: deps['resources'] })
          : NO_REFS;
      // checkFlatResources reports paths as $.resources; here they live under $.dependencies.
      const moved = <T extends { jsonPath: string }>(r: T): T => ({
        ...r,
        jsonPath: r.jsonPath.replace(/^\$\.resources/, '$.dependencies.resources'),
      });
      const files = refs.files.map(moved);
      await checkScenarioData(ctx, list, sj.file, { files, names: refs.names.map(moved) }, DATA);
    } else await checkScenarioData(ctx, list, null, NO_REFS, DATA);
    await checkVrooliJsonFiles(ctx, list);
    return list.items;
  },
};
