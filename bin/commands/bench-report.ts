import type { BenchmarkView } from '../../functions/contract/index.ts';

const pct = (x: number | null) => (x === null ? '–' : `${(100 * x).toFixed(0)} %`);
const mins = (ms: number | null) => (ms === null ? '–' : `${(ms / 60_000).toFixed(1)} min`);

/** The benchmark report as text, with the seed's targets beside the figures they judge. */
export function reportLines(b: BenchmarkView): string[] {
  const r = b.report;
  const e = r.byEvidence;
  return [
    `Benchmark ${b.label}${b.promptVersion ? ` (prompt ${b.promptTemplate}@${b.promptVersion})` : ''}${b.demoModel ? ' — demo model' : ''}`,
    `Runs: ${r.finished}/${r.runs} finished`,
    `Success (ran or tested): ${pct(r.successRate)} (target > 85 %)`,
    `  by evidence: tested ${e.tested}, ran ${e.ran}, structure only ${e.structure}, failed ${e.failed}, cancelled ${e.cancelled}`,
    `First-pass validation: ${pct(r.firstPass.rate)} of ${r.firstPass.judged} (target > 70 %)`,
    `Time per scenario: median ${mins(r.durationMs.median)}, p95 ${mins(r.durationMs.p95)} (target < 30 min)`,
    `Cost: $${r.costUsd.total.toFixed(4)} in all, $${(r.costUsd.perRun ?? 0).toFixed(4)} per run`,
    `Turns: ${r.turns.total} in all, ${(r.turns.perRun ?? 0).toFixed(1)} per run`,
    r.topSignatures.length ? 'Top signatures:' : 'Top signatures: none',
    ...r.topSignatures.map((s) => `  ${s.runs}× ${s.signature} (${s.fingerprint})`),
  ];
}
