import type { Finding, Severity, ValidationReport } from './types.ts';

/**
 * Output formats of a validation report: JSON (the versioned report itself) and tagged lines in
 * the style of Vrooli's `scenario-to-app.sh`, which users already read and which this project's
 * own parser (external/parse.ts) reads back.
 */

export const TAGS = {
  info: '[INFO]    ',
  success: '[SUCCESS] ',
  warning: '[WARNING] ',
  error: '[ERROR]   ',
} as const;

/** The report as pretty-printed JSON with a trailing newline. */
export function formatJson(report: ValidationReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** One line of text: control characters (a newline in a message) cannot break the line format. */
function oneLine(s: string): string {
  return s.replace(/[\x00-\x1f\x7f]+/g, ' ');
}

function tagOf(severity: Severity): string {
  return TAGS[severity];
}

function findingLines(f: Finding): string[] {
  const where = [f.file, f.jsonPath].filter(Boolean).join(' ');
  const head = `${tagOf(f.severity)}${oneLine(f.message)}${where ? ` (${oneLine(where)})` : ''} [${f.ruleId}]`;
  // The hint is indented past the tag's padding: a continuation line of the finding above.
  return f.hint ? [head, `${tagOf(f.severity)}  Hint: ${oneLine(f.hint)}`] : [head];
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The report as tagged lines: a header, every finding (errors first, then warnings, then info;
 * each group in rule order) and a verdict line — `[SUCCESS]` when valid, `[ERROR]` when not.
 * The verdict says "structurally valid": these rules read files, they do not run the scenario.
 */
export function formatTagged(report: ValidationReport): string {
  const lines = [
    `${TAGS.info}Validating scenario ${report.scenario.name} with profile ${report.profile} (rules ${report.profileVersion})`,
  ];
  for (const severity of ['error', 'warning', 'info'] as const) {
    for (const f of report.findings) if (f.severity === severity) lines.push(...findingLines(f));
  }
  const tally = `${plural(report.counts.error, 'error')}, ${plural(report.counts.warning, 'warning')}`;
  lines.push(
    report.valid
      ? `${TAGS.success}Scenario ${report.scenario.name} is structurally valid (${tally})`
      : `${TAGS.error}Scenario ${report.scenario.name} is not structurally valid (${tally})`,
  );
  return `${lines.join('\n')}\n`;
}
