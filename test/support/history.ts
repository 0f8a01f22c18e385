import { randomUUID } from 'node:crypto';
import type { Sql } from '../../db/client.ts';

/**
 * A seeded history simulator: finished runs whose true success probability depends on known
 * features (category, complexity, resources named), and error signatures that occur on a
 * schedule (by day), written as real rows (campaigns, scenarios, runs, validation results) so the
 * database's own triggers build the learning tables. Same seed, same history.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const CATEGORIES = { productivity: 1.3, games: 0.2, 'ai-tools': -0.9, finance: -1.6 };
export const COMPLEXITY = { simple: 0.9, intermediate: 0, advanced: -1.3 };
export const RESOURCES = ['postgres', 'redis', 'minio', 'n8n', 'ollama'];

export interface SimDraft {
  category: keyof typeof CATEGORIES;
  complexity: keyof typeof COMPLEXITY;
  resources: number;
}

/** The simulated truth: P(success) of a draft. */
export function trueProbability(d: SimDraft): number {
  const z = 0.2 + CATEGORIES[d.category] + COMPLEXITY[d.complexity] - 0.35 * d.resources;
  return 1 / (1 + Math.exp(-z));
}

export const requestOf = (d: SimDraft) =>
  `Build a ${d.category} app. ${d.resources ? `Uses ${RESOURCES.slice(0, d.resources).join(', ')}.` : 'No resources.'}`;

/** When a signature occurs: its probability per run, by how many days ago the run was. */
export type Schedule = (daysAgo: number) => number;

export interface SimOptions {
  seed: number;
  runs: number;
  /** Runs are spread evenly over this many days before `now`. */
  days: number;
  now?: number;
  signatures?: Record<string, Schedule>;
  /** Share of runs cancelled (not outcomes). */
  cancelled?: number;
}

export interface SimRun extends SimDraft {
  runId: string;
  scenarioId: string;
  status: 'succeeded' | 'failed' | 'cancelled';
  evidence: 'structure' | 'ran' | 'tested';
  success: boolean;
  firstPass: boolean;
  createdAt: number;
  finishedAt: number;
  signatures: string[];
}

const DAY = 86_400_000;
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

export async function simulateHistory(
  sql: Sql,
  o: SimOptions,
): Promise<{ campaignId: string; runs: SimRun[] }> {
  const r = mulberry32(o.seed);
  const now = o.now ?? Date.now();
  const [c] = await sql<{ id: string }[]>`
    INSERT INTO campaigns (name) VALUES (${`Simulated ${o.seed}-${randomUUID().slice(0, 6)}`}) RETURNING id`;
  const campaignId = c!.id;
  const runs: SimRun[] = [];
  const scenarios: Record<string, unknown>[] = [];
  const runRows: Record<string, unknown>[] = [];
  const validations: Record<string, unknown>[] = [];
  for (let i = 0; i < o.runs; i++) {
    const d: SimDraft = {
      category: pick(r, Object.keys(CATEGORIES) as SimDraft['category'][]),
      complexity: pick(r, Object.keys(COMPLEXITY) as SimDraft['complexity'][]),
      resources: Math.floor(r() * 5),
    };
    const createdAt = now - o.days * DAY + ((i + 0.5) / o.runs) * o.days * DAY;
    const queueMs = Math.floor(1000 + r() * 30_000);
    const phaseMs = {
      planning: Math.floor(20_000 + r() * 60_000),
      implementing: Math.floor(60_000 + r() * 240_000),
      validating: Math.floor(5_000 + r() * 30_000),
      deploying: Math.floor(1_000 + r() * 5_000),
    };
    const duration = Object.values(phaseMs).reduce((a, b) => a + b, 0);
    const success = r() < trueProbability(d);
    const cancelled = r() < (o.cancelled ?? 0);
    const structureOnly = !success && r() < 0.3;
    const status = cancelled ? 'cancelled' : success || structureOnly ? 'succeeded' : 'failed';
    const evidence = success ? (r() < 0.5 ? 'tested' : 'ran') : 'structure';
    const firstPass = r() < (success ? 0.75 : 0.35);
    const daysAgo = (now - createdAt) / DAY;
    const signatures = Object.entries(o.signatures ?? {})
      .filter(([, schedule]) => r() < schedule(daysAgo))
      .map(([s]) => s);
    const scenarioId = randomUUID();
    const runId = randomUUID();
    const startedAt = createdAt + queueMs;
    const finishedAt = startedAt + duration;
    scenarios.push({
      id: scenarioId,
      campaign_id: campaignId,
      slug: `sim-${i}`,
      title: `Simulated ${d.category} ${i}`,
      request: requestOf(d),
      complexity: d.complexity,
      category: d.category,
      status: status === 'succeeded' ? 'deployed' : status,
    });
    const cost = Math.round((0.2 + r() * 2) * 1e4) / 1e4;
    runRows.push({
      id: runId,
      scenario_id: scenarioId,
      number: 1,
      status,
      created_at: new Date(createdAt),
      started_at: new Date(startedAt),
      finished_at: new Date(finishedAt),
      cost_usd: cost,
      facts: {
        evidence,
        phaseMs,
        sessions: 3,
        turns: 12 + Math.floor(r() * 30),
        inputTokens: 1000,
        outputTokens: 500,
        costUsd: cost,
        outcomes: success ? { success: 3 } : { success: 2, error: 1 },
        firstPassValid: firstPass,
      },
    });
    validations.push({
      run_id: runId,
      scenario_id: scenarioId,
      validator: 'builtin',
      profile: 'vrooli-2025-08-07',
      attempt: 1,
      passed: signatures.length === 0,
      error_count: signatures.length,
      findings: signatures.map((s) => ({
        severity: 'error',
        ruleId: s.split(':')[0],
        message: `${s} in run ${i}`,
        signature: s,
      })),
      created_at: new Date(startedAt + phaseMs.planning + phaseMs.implementing),
    });
    runs.push({
      ...d,
      runId,
      scenarioId,
      status,
      evidence,
      success,
      firstPass,
      createdAt,
      finishedAt,
      signatures,
    });
  }
  for (let i = 0; i < scenarios.length; i += 500) {
    await sql`INSERT INTO scenarios ${sql(scenarios.slice(i, i + 500) as never)}`;
    await sql`INSERT INTO runs ${sql(runRows.slice(i, i + 500).map((x) => ({ ...x, facts: sql.json(x.facts as never) })) as never)}`;
    await sql`INSERT INTO validation_results ${sql(validations.slice(i, i + 500).map((x) => ({ ...x, findings: sql.json(x.findings as never) })) as never)}`;
  }
  return { campaignId, runs };
}
