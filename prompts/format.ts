/**
 * Formatting of the structured inputs templates receive: the history of plan versions (for
 * refinement) and validator findings (for implementation and fixes).
 */
export interface PlanVersionInput {
  iteration: number;
  title: string;
  plan: string;
  /** Total 0–100 and its parts, when the version was scored. */
  score?: {
    total: number;
    completeness: number;
    feasibility: number;
    clarity: number;
    risk: number;
  };
  critique?: string;
}

export interface FindingInput {
  ruleId: string;
  severity?: 'error' | 'warning' | 'info';
  file?: string;
  line?: number;
  message: string;
  hint?: string;
}

/** Every earlier version, oldest first, each with its score and critique. */
export function formatPlanHistory(versions: readonly PlanVersionInput[]): string {
  if (versions.length === 0) return '(no earlier versions)';
  return versions
    .map((v) => {
      const s = v.score
        ? `Score ${v.score.total}/100 (completeness ${v.score.completeness}, feasibility ${v.score.feasibility}, clarity ${v.score.clarity}, risk ${v.score.risk})`
        : 'Not scored';
      return [
        `### Version ${v.iteration}: ${v.title}`,
        '',
        s,
        '',
        `Critique: ${v.critique?.trim() || '(none)'}`,
        '',
        '<plan>',
        v.plan.trim(),
        '</plan>',
      ].join('\n');
    })
    .join('\n\n');
}

/** One line per finding: `- [error] rule-id in file:line — message (hint: …)`. */
export function formatFindings(
  findings: readonly FindingInput[],
  none = '(none: this is the first round)',
): string {
  if (findings.length === 0) return none;
  return findings
    .map((f) => {
      const where = f.file ? ` in ${f.file}${f.line ? `:${f.line}` : ''}` : '';
      const hint = f.hint ? ` (hint: ${f.hint})` : '';
      return `- [${f.severity ?? 'error'}] ${f.ruleId}${where} — ${f.message}${hint}`;
    })
    .join('\n');
}
