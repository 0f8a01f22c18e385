import type { FindingInput } from '../../validate/types.ts';
import type { DeclaredResource, ServiceModel } from '../service.ts';
import type { ResourceResult } from '../types.ts';
import { freeLoopbackPorts } from './ports.ts';
import type { ResourceProviders, ScratchPostgres, ScratchResource } from './providers.ts';

/**
 * Turns what a scenario declares into scratch instances: for each enabled resource the check can
 * provide, one of its own; for each port variable, a free loopback port. What it cannot provide
 * is recorded with the reason, never silently dropped.
 */

export interface Provisioned {
  /** Every variable for the steps: resources and ports. */
  env: Record<string, string>;
  resources: ResourceResult[];
  /** Required resources this machine cannot provide, one line each. */
  missing: string[];
  findings: FindingInput[];
  postgres?: ScratchPostgres;
  /** Releases everything provisioned; returns what could not be cleaned up. */
  release(): Promise<string[]>;
}

const OBJECT_STORE_REASON =
  'the runtime check has no scratch object store: the configured one would have to hand over its own keys';

function reasonFor(r: DeclaredResource, providers: ResourceProviders): string {
  if (r.kind === 'postgres' && !providers.postgres) return 'no Postgres server is configured';
  if (r.kind === 'redis' && !providers.redis) return 'no Redis server is configured (REDIS_URL)';
  if (r.kind === 'object-store') return OBJECT_STORE_REASON;
  return `${r.name} is not a resource the runtime check can provide on this machine`;
}

/** Provisions the scenario's resources and ports. Never throws for a resource: it reports it. */
export async function provisionResources(
  model: ServiceModel,
  providers: ResourceProviders,
  leaseMs: number,
): Promise<Provisioned> {
  const env: Record<string, string> = {};
  const results: ResourceResult[] = [];
  const missing: string[] = [];
  const findings: FindingInput[] = [];
  const held: ScratchResource[] = [];
  const byKind = new Map<string, Promise<ScratchResource>>();
  let postgres: ScratchPostgres | undefined;

  for (const r of model.resources.filter((x) => x.enabled)) {
    let scratch: ScratchResource | undefined;
    let reason: string | undefined;
    const pg = r.kind === 'postgres' ? providers.postgres : undefined;
    const redis = r.kind === 'redis' ? providers.redis : undefined;
    if (pg || redis) {
      const made =
        byKind.get(r.kind) ??
        (pg ? pg.provision(leaseMs) : redis!.provision(leaseMs)).then((s) => {
          held.push(s);
          return s;
        });
      byKind.set(r.kind, made);
      try {
        scratch = await made;
        if (pg) postgres = scratch as ScratchPostgres;
      } catch (e) {
        reason = `could not provision ${r.name}: ${(e as Error).message}`;
      }
    } else reason = reasonFor(r, providers);

    if (scratch) {
      Object.assign(env, scratch.env);
      results.push({
        name: r.name,
        declaredAt: r.declaredAt,
        required: r.required,
        status: 'provided',
        variables: Object.keys(scratch.env),
      });
      continue;
    }
    results.push({
      name: r.name,
      declaredAt: r.declaredAt,
      required: r.required,
      status: 'missing',
      reason: reason!,
    });
    if (r.required) missing.push(`resource ${r.name}: ${reason}`);
    findings.push({
      severity: r.required ? 'warning' : 'info',
      ruleId: r.required ? 'runtime.resource.missing' : 'runtime.resource.optional-missing',
      file: model.file,
      message: r.required
        ? `The scenario requires ${r.name} (${r.declaredAt}), which this machine cannot provide: ${reason}. The scenario was not run.`
        : `${r.name} (${r.declaredAt}) is optional and not provided here (${reason}); the scenario ran without it.`,
    });
  }
  for (const s of held)
    for (const note of s.notes)
      findings.push({ severity: 'info', ruleId: 'runtime.isolation', message: note });

  const ports = await freeLoopbackPorts(model.ports.length);
  model.ports.forEach((p, i) => (env[p.envVar] = String(ports[i])));

  return {
    env,
    resources: results,
    missing,
    findings,
    ...(postgres ? { postgres } : {}),
    async release() {
      const problems = await Promise.all(held.map((s) => s.release()));
      return problems.filter((p): p is string => p !== null);
    },
  };
}
