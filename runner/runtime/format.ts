import { TAGS } from '../validate/format.ts';
import type { RuntimeReport, StepResult } from './types.ts';

/**
 * The runtime report as tagged lines, in the style of the structural report: one line per step,
 * every finding, and a verdict line that names the evidence level.
 */

function oneLine(s: string): string {
  return s.replace(/[\x00-\x1f\x7f]+/g, ' ');
}

function stepLine(s: StepResult): string {
  const tag =
    s.status === 'passed'
      ? TAGS.success
      : s.status === 'failed'
        ? TAGS.error
        : s.status === 'not-exercised'
          ? TAGS.warning
          : TAGS.info;
  const extra = [
    s.background ? 'background' : '',
    s.missing?.length ? `missing: ${s.missing.join('; ')}` : '',
    s.note ?? '',
  ].filter(Boolean);
  return `${tag}Runtime ${s.phase} "${oneLine(s.name)}": ${s.status} (${s.durationMs} ms)${extra.length ? ` — ${oneLine(extra.join('; '))}` : ''}`;
}

/** Tagged lines for a runtime report. */
export function formatRuntimeTagged(report: RuntimeReport): string {
  const lines = [
    `${TAGS.info}Running scenario ${report.scenario.name} (runtime check ${report.runId})`,
  ];
  for (const r of report.resources)
    lines.push(
      r.status === 'provided'
        ? `${TAGS.info}Resource ${r.name}: scratch instance (${(r.variables ?? []).join(', ')})`
        : `${r.required ? TAGS.warning : TAGS.info}Resource ${r.name}: not provided — ${oneLine(r.reason ?? '')}`,
    );
  for (const s of report.steps) lines.push(stepLine(s));
  for (const severity of ['error', 'warning', 'info'] as const)
    for (const f of report.findings) {
      if (f.severity !== severity) continue;
      const where = [f.file, f.jsonPath].filter(Boolean).join(' ');
      lines.push(
        `${TAGS[severity]}${oneLine(f.message)}${where ? ` (${oneLine(where)})` : ''} [${f.ruleId}]`,
      );
      if (f.hint) lines.push(`${TAGS[severity]}  Hint: ${oneLine(f.hint)}`);
    }
  const who = `Scenario ${report.scenario.name}`;
  lines.push(
    report.status === 'passed'
      ? `${TAGS.success}${who} passed the runtime check (evidence: ${report.evidence})`
      : report.status === 'failed'
        ? `${TAGS.error}${who} failed the runtime check (evidence: ${report.evidence})`
        : `${TAGS.warning}${who} was not exercised: ${oneLine(report.missing.join('; '))} (evidence: ${report.evidence})`,
  );
  return `${lines.join('\n')}\n`;
}

/** `validate --run`'s exit code for a structurally valid scenario: 0 passed, 1 failed, 3 not exercised. */
export function runtimeExitCode(report: RuntimeReport): 0 | 1 | 3 {
  return report.status === 'passed' ? 0 : report.status === 'failed' ? 1 : 3;
}
