import type { Run, Scenario, ScenarioCreate } from '../../functions/contract/index.ts';

/** `generate`'s flags that become the scenario's config, as given (the server checks ranges). */
export interface ConfigFlags {
  'plan-versions'?: string | undefined;
  builds?: string | undefined;
  fixes?: string | undefined;
  agent?: string | undefined;
  model?: string | undefined;
  budget?: string | undefined;
  'max-turns'?: string | undefined;
}

type Config = NonNullable<ScenarioCreate['config']>;

/**
 * The generation config the flags ask for. Numbers are passed on as numbers (or as the text
 * given when it is not one), so the server's message names the field and its allowed range.
 */
export function generationConfig(o: ConfigFlags): Config {
  const num = (s: string | undefined) => (s === undefined ? undefined : Number(s));
  const out: Record<string, unknown> = {
    planningIterations: num(o['plan-versions']),
    implementationIterations: num(o.builds),
    validationFixes: num(o.fixes),
    agent: o.agent,
    model: o.model,
    maxBudgetUsd: num(o.budget),
    maxTurns: num(o['max-turns']),
  };
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out as Config;
}

function duration(ms: number): string {
  if (ms < 60_000) return `${Math.max(1, Math.round(ms / 1000))} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')} s`;
}

/** Text without its closing full stops, so a sentence built on it ends with exactly one. */
const bare = (s: string) => s.trim().replace(/[.\s]+$/, '');

/**
 * The last line of `generate --wait`: where a deployed scenario went, its evidence level, time
 * and cost; or why the run did not deploy.
 */
export function outcomeLine(end: Scenario, run: Run): string {
  const ms =
    run.startedAt && run.finishedAt ? Date.parse(run.finishedAt) - Date.parse(run.startedAt) : 0;
  const cost = `$${run.costUsd.toFixed(2)}`;
  if (end.status === 'deployed') {
    const deploy = run.facts.deploy as { location?: unknown } | undefined;
    const where = typeof deploy?.location === 'string' ? ` to ${deploy.location}` : '';
    const evidence = typeof run.facts.evidence === 'string' ? run.facts.evidence : 'structure';
    return `Deployed ${end.slug}${where} (evidence: ${evidence}) in ${duration(ms)}, cost ${cost}.`;
  }
  return `${bare(`Run ${end.status}${end.error ? `: ${end.error}` : ''}`)} (cost ${cost}).`;
}
