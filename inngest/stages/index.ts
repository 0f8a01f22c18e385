import type { PipelineDeps } from '../stage-kit/deps.ts';
import type { AnyFunctionSpec } from '../spec.ts';
import { createBuildScenario } from './build-scenario.ts';
import { createDeployScenario } from './deploy-scenario.ts';
import { createGenerateScenario } from './generate-scenario.ts';
import { createNotifyRun } from './notify-run.ts';
import { createPlanScenario } from './plan-scenario.ts';
import { createProposeSuggestion } from './propose-suggestion.ts';
import { createValidateScenario } from './validate-scenario.ts';

/** Every stage function (and run notifications, prompt suggestions), built around the pipeline's dependencies. */
export function createFunctions(deps: PipelineDeps): AnyFunctionSpec[] {
  const plan = createPlanScenario(deps);
  const build = createBuildScenario(deps);
  const validate = createValidateScenario(deps);
  const deploy = createDeployScenario(deps);
  const generate = createGenerateScenario(deps, { plan, build, validate, deploy });
  return [
    generate,
    plan,
    build,
    validate,
    deploy,
    createNotifyRun(deps),
    createProposeSuggestion(deps),
  ];
}
