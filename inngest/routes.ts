import type * as v from 'valibot';
import {
  BUILD_REQUESTED,
  BuildRequested,
  BundleRequested,
  DEPLOY_REQUESTED,
  GENERATION_REQUESTED,
  GenerationRequested,
  PLAN_REQUESTED,
  RUN_CANCEL,
  RunRef,
  SUGGESTION_REQUESTED,
  SuggestionRequested,
  VALIDATE_REQUESTED,
} from './events.ts';
import { NOTICE_REQUESTED, NoticeRequested } from './notices.ts';
import type { AnyFunctionSpec, CancelRule } from './spec.ts';

/**
 * Where each pipeline function runs, declared in one place. `runner` functions start agent
 * sessions, validators or runtime checks: only a self-hosted worker (`scenario-gen start --role
 * worker`, or `all`) may run them. `light` functions touch only the database, the bus and HTTP.
 *
 * The routing part of each spec (id, trigger, event schema, concurrency keys, cancel rules) is
 * what a process needs to enqueue events for the local executor without the handlers — the edge
 * entry enqueues through it (bin/edge-control.ts), and inngest/routes.test.ts checks it against
 * the real specs (inngest/stages/), so the two cannot drift apart. Concurrency *limits* are the
 * executing worker's own: a run row carries only its keys.
 */
export type Placement = 'runner' | 'light';

export interface FunctionRoute {
  id: string;
  trigger: string;
  schema: v.GenericSchema;
  placement: Placement;
  /** Why it runs where it runs (README "Edge deployment" lists it). */
  why: string;
  /** Key expressions of its concurrency rules, in order (undefined: one global limit). */
  concurrencyKeys: (string | undefined)[];
  cancelOn: CancelRule[];
}

const byRun: CancelRule[] = [{ event: RUN_CANCEL, matchField: 'runId' }];

export const FUNCTION_ROUTES: readonly FunctionRoute[] = [
  {
    id: 'generate-scenario',
    trigger: GENERATION_REQUESTED,
    schema: GenerationRequested,
    placement: 'runner',
    why: 'orchestrates a run: restores bundles, checks structure, invokes the stages below',
    concurrencyKeys: [undefined, 'event.data.campaignId'],
    cancelOn: byRun,
  },
  {
    id: 'plan-scenario',
    trigger: PLAN_REQUESTED,
    schema: RunRef,
    placement: 'runner',
    why: 'agent sessions (plan, refinements) in a workspace',
    concurrencyKeys: [undefined],
    cancelOn: byRun,
  },
  {
    id: 'build-scenario',
    trigger: BUILD_REQUESTED,
    schema: BuildRequested,
    placement: 'runner',
    why: 'agent sessions writing files, structural checks',
    concurrencyKeys: [undefined],
    cancelOn: byRun,
  },
  {
    id: 'validate-scenario',
    trigger: VALIDATE_REQUESTED,
    schema: BundleRequested,
    placement: 'runner',
    why: 'the validator and the runtime check (processes, scratch databases)',
    concurrencyKeys: [undefined],
    cancelOn: byRun,
  },
  {
    id: 'deploy-scenario',
    trigger: DEPLOY_REQUESTED,
    schema: BundleRequested,
    placement: 'runner',
    why: 'writes to a Vrooli checkout or runs the deploy command',
    concurrencyKeys: [undefined],
    cancelOn: byRun,
  },
  {
    id: 'notify-run',
    trigger: NOTICE_REQUESTED,
    schema: NoticeRequested,
    placement: 'light',
    why: 'delivers a run notice (webhook or e-mail); database and network only',
    concurrencyKeys: [],
    cancelOn: [],
  },
  {
    id: 'propose-suggestion',
    trigger: SUGGESTION_REQUESTED,
    schema: SuggestionRequested,
    placement: 'runner',
    why: 'a plan-only agent session proposing a prompt change',
    concurrencyKeys: [undefined],
    cancelOn: [],
  },
];

/** True when an event starts a function that only a runner (worker) may execute. */
export function needsRunner(eventName: string): boolean {
  return FUNCTION_ROUTES.some((r) => r.trigger === eventName && r.placement === 'runner');
}

/**
 * Specs for enqueueing only: the routing of each function, with a handler that refuses to run.
 * A process that holds these never executes (its engine has mayOwn: false); the worker that picks
 * the rows up runs its own, complete specs.
 */
export function enqueueOnlySpecs(): AnyFunctionSpec[] {
  return FUNCTION_ROUTES.map((r) => ({
    id: r.id,
    name: r.id,
    trigger: { event: r.trigger },
    schema: r.schema,
    retries: 0,
    // The limit is the worker's; 1 only satisfies the spec's shape (it is never enforced here).
    concurrency: r.concurrencyKeys.map((key) => (key ? { limit: 1, key } : { limit: 1 })),
    cancelOn: r.cancelOn,
    handler: () => {
      throw new Error(`${r.id} runs on a worker, not in this process`);
    },
  }));
}
