import type { Phase } from '../../core/domain.ts';
import type { Db } from '../../db/client.ts';
import { chosenPlan } from '../../db/plans.ts';
import { listArtifacts } from '../../db/artifacts.ts';
import { runLineage } from '../../db/runs.ts';
import { prunedObjectKeys } from '../../db/retention.ts';
import { lastPassingAttempt } from '../../db/validations.ts';

/** What a later run can take over from an earlier one: its plan, last bundle, last valid bundle. */
export interface Restored {
  planKey?: string;
  bundleKey?: string;
  validBundleKey?: string;
  /** When retention housekeeping removed bundles this run would otherwise restore (ISO time). */
  prunedAt?: string;
}

/**
 * The plan, the last bundle and the last bundle that passed validation of an earlier run: from
 * the keys it recorded when it finished, else from its own rows; what a run does not have (a
 * retry or rollback that skipped phases) is looked up in the run it came from, and so on.
 */
export async function restoreFrom(sql: Db, sourceRunId: string): Promise<Restored> {
  const out: Restored = {};
  let runId: string | null = sourceRunId;
  for (
    let depth = 0;
    runId && depth < 20 && !(out.planKey && out.bundleKey && out.validBundleKey);
    depth++
  ) {
    const run = await runLineage(sql, runId);
    if (!run) break;
    const own = { ...(await ownKeys(sql, runId)), ...((run.facts.keys as Restored) ?? {}) };
    out.planKey ??= own.planKey;
    out.bundleKey ??= own.bundleKey;
    out.validBundleKey ??= own.validBundleKey;
    runId = run.parentRunId;
  }
  return withoutPruned(sql, out);
}

/** Drops the bundle keys whose objects retention housekeeping removed, noting when. */
async function withoutPruned(sql: Db, r: Restored): Promise<Restored> {
  const keys = [r.bundleKey, r.validBundleKey].filter((k): k is string => Boolean(k));
  const pruned = await prunedObjectKeys(sql, keys);
  if (pruned.size === 0) return r;
  const out: Restored = { ...r };
  if (r.bundleKey && pruned.has(r.bundleKey)) delete out.bundleKey;
  if (r.validBundleKey && pruned.has(r.validBundleKey)) delete out.validBundleKey;
  const first = [...pruned.values()].sort((a, b) => a.getTime() - b.getTime())[0]!;
  out.prunedAt = first.toISOString();
  return out;
}

async function ownKeys(sql: Db, runId: string): Promise<Restored> {
  const plan = await chosenPlan(sql, runId);
  const bundles = await listArtifacts(sql, { runId, kind: 'bundle' });
  // Attempt k validated the build's last bundle (k = 1) or fix k−1's bundle; every validator must have passed.
  const passed = await lastPassingAttempt(sql, runId);
  const valid =
    passed === undefined
      ? undefined
      : passed === 1
        ? bundles.filter((b) => b.phase === 'implementing').at(-1)
        : bundles.find((b) => b.phase === 'validating' && b.iteration === passed - 1);
  const last = bundles.at(-1);
  return {
    ...(plan ? { planKey: plan.objectKey } : {}),
    ...(last ? { bundleKey: last.objectKey } : {}),
    ...(valid ? { validBundleKey: valid.objectKey } : {}),
  };
}

/**
 * The phases a retry can really start at, given what it restores: implementing needs a plan,
 * validating a plan and a bundle, deploying a plan and a bundle that passed validation.
 */
export function resumablePhases(r: Restored): Phase[] {
  const out: Phase[] = ['planning'];
  if (r.planKey) out.push('implementing');
  if (r.planKey && r.bundleKey) out.push('validating');
  if (r.planKey && r.validBundleKey) out.push('deploying');
  return out;
}

/** Why a retry cannot start at `phase`: what the earlier run lacks, in words. */
export function missingFor(phase: Phase, r: Restored): string {
  if (!r.planKey) return 'it has no plan yet';
  const removed = r.prunedAt
    ? ` (retention housekeeping, BUNDLE_RETENTION, deleted its bundles on ${r.prunedAt})`
    : '';
  if (phase === 'validating' && !r.bundleKey) return `it has no built files${removed || ' yet'}`;
  return `it has no build that passed validation${removed}`;
}
