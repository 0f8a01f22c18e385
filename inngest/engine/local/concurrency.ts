import type { AnyFunctionSpec, ConcurrencyRule, PipelineEvent } from '../../spec.ts';

/**
 * Concurrency keys of a run: one per rule of its function, `<function id>|<rule index>|<value>`
 * where the value is the rule's key expression evaluated on the event ('' for a rule without a
 * key). Only dotted paths from `event.` are supported (`event.data.campaignId`); Inngest's full
 * expression language is not.
 */
export function concurrencyKeys(spec: AnyFunctionSpec, event: PipelineEvent): string[] {
  return (spec.concurrency ?? []).map(
    (rule, i) => `${spec.id}|${i}|${rule.key ? keyValue(rule.key, event) : ''}`,
  );
}

function keyValue(expr: string, event: PipelineEvent): string {
  let v: unknown = { event };
  for (const part of expr.split('.'))
    v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
  return typeof v === 'string' ? v : JSON.stringify(v ?? null);
}

/** Throws on a key expression the executor cannot evaluate, so a bad spec fails at start-up. */
export function checkRules(spec: AnyFunctionSpec): void {
  for (const r of spec.concurrency ?? []) {
    if (!(r.limit >= 1)) throw new Error(`${spec.id}: concurrency limit must be ≥ 1`);
    if (r.key !== undefined && !/^event(\.[A-Za-z_$][\w$]*)+$/.test(r.key)) {
      throw new Error(
        `${spec.id}: unsupported concurrency key "${r.key}" (use a path like event.data.campaignId)`,
      );
    }
  }
}

/** Tracks the keys of executing runs and says whether one more fits under every limit. */
export class Slots {
  private readonly counts = new Map<string, number>();
  private readonly rules: Map<string, ConcurrencyRule[]>;

  constructor(functions: AnyFunctionSpec[]) {
    this.rules = new Map(functions.map((f) => [f.id, f.concurrency ?? []]));
  }

  fits(keys: string[]): boolean {
    return keys.every((k) => (this.counts.get(k) ?? 0) < this.limit(k));
  }

  /** The keys among `keys` that are at their limit (why a run does not fit). */
  full(keys: string[]): string[] {
    return keys.filter((k) => (this.counts.get(k) ?? 0) >= this.limit(k));
  }

  take(keys: string[]): void {
    for (const k of keys) this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
  }

  release(keys: string[]): void {
    for (const k of keys) this.counts.set(k, (this.counts.get(k) ?? 1) - 1);
  }

  private limit(key: string): number {
    const [fn = '', index = ''] = key.split('|');
    return this.rules.get(fn)?.[Number(index)]?.limit ?? Infinity;
  }
}
