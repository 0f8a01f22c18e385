import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as v from 'valibot';
import { isObject, parseJsonLenient } from '../validate/json.ts';

/**
 * What the runtime check reads from a scenario's service.json: the resources it declares (any
 * layout Vrooli used: categorised `resources.<category>.<name>`, flat `resources.<name>`, and
 * `dependencies.resources.<name>`), its ports, lifecycle steps and health checks. Shapes are
 * parsed leniently, element by element: the structural check judges the shape, this only needs
 * what it can run.
 */

/** One resource entry as declared. */
export interface DeclaredResource {
  /** The key it is declared under (`postgres`). */
  name: string;
  /** Normalised kind: `postgres`, `redis`, `object-store`, or the name/type as written. */
  kind: string;
  /** Dotted path of the declaration, e.g. `resources.storage.postgres`. */
  declaredAt: string;
  enabled: boolean;
  /** `required` unless it says `"required": false`. */
  required: boolean;
  /** The entry's `initialization` value, as written. */
  initialization: unknown;
}

/** One lifecycle step as Vrooli would run it. */
export interface LifecycleStep {
  phase: 'setup' | 'develop' | 'test';
  index: number;
  name: string;
  run: string;
  /** `background: true`, or a command line that ends with `&`. */
  background: boolean;
  /** `condition.file_exists` / `condition.directory_exists`, scenario-relative. */
  fileExists?: string;
  dirExists?: string;
  /** `retry.max_attempts` (at least 1) and `retry.delay` in ms. */
  attempts: number;
  retryDelayMs: number;
}

/** One `lifecycle.health.checks[]` entry. */
export interface HealthCheckDecl {
  name: string;
  type: string;
  target: string;
  critical: boolean;
  timeoutMs: number;
}

/** What the check reads from service.json. */
export interface ServiceModel {
  /** `.vrooli/service.json` or `service.json`. */
  file: string;
  value: Record<string, unknown>;
  resources: DeclaredResource[];
  ports: Array<{ name: string; envVar: string }>;
  /** Null when the service.json has no lifecycle (the 2025-08-07 format). */
  lifecycle: { setup: LifecycleStep[]; develop: LifecycleStep[]; test: LifecycleStep[] } | null;
  health: {
    checks: HealthCheckDecl[];
    /** `endpoints.<port name>`: a path on that port. */
    endpoints: Record<string, string>;
    graceMs?: number;
  } | null;
}

const Retry = v.looseObject({
  max_attempts: v.optional(v.number()),
  delay: v.optional(v.number()),
});
const Step = v.looseObject({
  name: v.optional(v.string()),
  run: v.string(),
  background: v.optional(v.boolean()),
  condition: v.optional(v.unknown()),
  retry: v.optional(Retry),
});
const Check = v.looseObject({
  name: v.optional(v.string()),
  type: v.optional(v.string()),
  target: v.optional(v.string()),
  critical: v.optional(v.boolean()),
  timeout: v.optional(v.number()),
});
const Health = v.looseObject({
  checks: v.optional(v.array(v.unknown())),
  endpoints: v.optional(v.record(v.string(), v.unknown())),
  startup_grace_period: v.optional(v.number()),
});
const Port = v.looseObject({ env_var: v.string() });

const RESOURCE_KEYS = ['enabled', 'required', 'type', 'initialization'];

function kindOf(name: string, type: unknown): string {
  const t = (typeof type === 'string' ? type : name).toLowerCase();
  if (t === 'postgres' || t === 'postgresql' || t === 'pg') return 'postgres';
  if (t === 'redis') return 'redis';
  if (t === 'minio' || t === 's3') return 'object-store';
  return t;
}

function resourcesIn(value: unknown, at: string, out: DeclaredResource[]): void {
  if (!isObject(value)) return;
  for (const [key, entry] of Object.entries(value)) {
    if (!isObject(entry)) continue;
    if (RESOURCE_KEYS.some((k) => k in entry)) {
      out.push({
        name: key,
        kind: kindOf(key, entry['type']),
        declaredAt: `${at}.${key}`,
        enabled: entry['enabled'] === true,
        required: entry['required'] !== false,
        initialization: entry['initialization'],
      });
    } else {
      // A category (`storage`, `ai`, `search`, …): its members are the resources.
      for (const [name, res] of Object.entries(entry)) {
        if (!isObject(res)) continue;
        out.push({
          name,
          kind: kindOf(name, res['type']),
          declaredAt: `${at}.${key}.${name}`,
          enabled: res['enabled'] === true,
          required: res['required'] !== false,
          initialization: res['initialization'],
        });
      }
    }
  }
}

function condition(cond: unknown): { fileExists?: string; dirExists?: string } {
  if (!isObject(cond)) return {};
  const out: { fileExists?: string; dirExists?: string } = {};
  if (typeof cond['file_exists'] === 'string') out.fileExists = cond['file_exists'];
  if (typeof cond['directory_exists'] === 'string') out.dirExists = cond['directory_exists'];
  return out;
}

function stepsOf(
  lifecycle: Record<string, unknown>,
  phase: LifecycleStep['phase'],
): LifecycleStep[] {
  const body = lifecycle[phase];
  if (!isObject(body) || !Array.isArray(body['steps'])) return [];
  const out: LifecycleStep[] = [];
  body['steps'].forEach((raw, index) => {
    const parsed = v.safeParse(Step, raw);
    if (!parsed.success || parsed.output.run.trim() === '') return;
    const s = parsed.output;
    out.push({
      phase,
      index,
      name: s.name ?? `steps[${index}]`,
      run: s.run,
      background: s.background === true || /(?:^|[^&])&\s*$/.test(s.run),
      ...condition(s.condition),
      attempts: Math.min(30, Math.max(1, Math.floor(s.retry?.max_attempts ?? 1))),
      retryDelayMs: Math.min(10_000, Math.max(0, (s.retry?.delay ?? 1) * 1000)),
    });
  });
  return out;
}

function healthOf(lifecycle: Record<string, unknown>): ServiceModel['health'] {
  const parsed = v.safeParse(Health, lifecycle['health']);
  if (!parsed.success) return null;
  const checks: HealthCheckDecl[] = [];
  (parsed.output.checks ?? []).forEach((raw, i) => {
    const c = v.safeParse(Check, raw);
    if (!c.success || !c.output.target) return;
    checks.push({
      name: c.output.name ?? `checks[${i}]`,
      type: (c.output.type ?? 'http').toLowerCase(),
      target: c.output.target,
      critical: c.output.critical !== false,
      timeoutMs: Math.min(30_000, Math.max(500, c.output.timeout ?? 5000)),
    });
  });
  const endpoints: Record<string, string> = {};
  for (const [k, p] of Object.entries(parsed.output.endpoints ?? {}))
    if (typeof p === 'string') endpoints[k] = p;
  const grace = parsed.output.startup_grace_period;
  return { checks, endpoints, ...(grace === undefined ? {} : { graceMs: grace }) };
}

/** Reads `.vrooli/service.json` (else `service.json`); null when neither parses to an object. */
export async function readService(dir: string): Promise<ServiceModel | null> {
  for (const file of ['.vrooli/service.json', 'service.json']) {
    const text = await readFile(path.join(dir, file), 'utf8').catch(() => null);
    if (text === null) continue;
    const parsed = parseJsonLenient(text);
    if (!parsed.ok || !isObject(parsed.value)) return null;
    return modelOf(file, parsed.value);
  }
  return null;
}

/** Builds the model from a parsed service.json. */
export function modelOf(file: string, value: Record<string, unknown>): ServiceModel {
  const resources: DeclaredResource[] = [];
  resourcesIn(value['resources'], 'resources', resources);
  const deps = value['dependencies'];
  if (isObject(deps)) resourcesIn(deps['resources'], 'dependencies.resources', resources);
  const ports: ServiceModel['ports'] = [];
  if (isObject(value['ports'])) {
    for (const [name, raw] of Object.entries(value['ports'])) {
      const p = v.safeParse(Port, raw);
      if (p.success && /^[A-Za-z_][A-Za-z0-9_]*$/.test(p.output.env_var))
        ports.push({ name, envVar: p.output.env_var });
    }
  }
  const lc = value['lifecycle'];
  return {
    file,
    value,
    resources,
    ports,
    lifecycle: isObject(lc)
      ? { setup: stepsOf(lc, 'setup'), develop: stepsOf(lc, 'develop'), test: stepsOf(lc, 'test') }
      : null,
    health: isObject(lc) ? healthOf(lc) : null,
  };
}
