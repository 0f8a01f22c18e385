/** Deploy targets: a Vrooli checkout, an archive in the object store, or the user's own command. */
export { deployToVrooliCheckout, type VrooliDeployOptions } from './vrooli.ts';
export { deployToArchive, type ArchiveDeployOptions } from './archive.ts';
export { deployWithCommand, type CommandDeployOptions } from './command.ts';
export {
  createDeployTarget,
  type DeployRequest,
  type DeployTarget,
  type DeployTargetSettings,
} from './target.ts';
export { copyScenarioTree, listScenarioTree } from './copy.ts';
export {
  assertScenarioName,
  type ArchiveDeployResult,
  type CommandDeployResult,
  type DeployResult,
  type VrooliDeployResult,
} from './types.ts';
