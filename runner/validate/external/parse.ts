import { signatureOf } from '../finding-signature.ts';
import type { Finding, Severity } from '../types.ts';

/**
 * Reads the output of Vrooli's `scenario-to-app.sh` (and any tool logging the same way) into
 * findings. Two styles are real: `[INFO]    `, `[SUCCESS] `, `[WARNING] `, `[ERROR]   ` tags
 * padded to ten columns, and — when Vrooli's log helper is missing — emoji prefixes (`ℹ️  `,
 * `✅ `, `⚠️  `, `❌ `). A line indented past its tag's padding continues the line before it.
 */

export type LineLevel = Severity | 'success' | 'debug';

export interface TaggedLine {
  level: LineLevel;
  /** Extra spaces after the tag's own padding: > 0 marks a continuation line. */
  indent: number;
  text: string;
  style: 'bracket' | 'emoji';
}

const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;
const BRACKET = /^\[(INFO|SUCCESS|WARNING|WARN|ERROR|DEBUG)\]( *)(.*)$/;
const EMOJI: readonly { re: RegExp; level: LineLevel; pad: number }[] = [
  { re: /^\u2139\uFE0F?( *)(.*)$/, level: 'info', pad: 2 },
  { re: /^\u2705( *)(.*)$/, level: 'success', pad: 1 },
  { re: /^\u26A0\uFE0F?( *)(.*)$/, level: 'warning', pad: 2 },
  { re: /^\u274C( *)(.*)$/, level: 'error', pad: 1 },
];
const BRACKET_LEVEL: Record<string, LineLevel> = {
  INFO: 'info',
  SUCCESS: 'success',
  WARNING: 'warning',
  WARN: 'warning',
  ERROR: 'error',
  DEBUG: 'debug',
};

/** Classifies one output line, or returns null for an untagged line. */
export function classifyLine(raw: string): TaggedLine | null {
  const line = raw.replace(ANSI, '').replace(/\r$/, '');
  const b = BRACKET.exec(line);
  if (b) {
    const tag = `[${b[1]}]`;
    const pad = Math.max(1, 10 - tag.length);
    return {
      level: BRACKET_LEVEL[b[1]!]!,
      indent: Math.max(0, b[2]!.length - pad),
      text: b[3]!.trimEnd(),
      style: 'bracket',
    };
  }
  for (const e of EMOJI) {
    const m = e.re.exec(line);
    if (m)
      return {
        level: e.level,
        indent: Math.max(0, m[1]!.length - e.pad),
        text: m[2]!.trimEnd(),
        style: 'emoji',
      };
  }
  return null;
}

/** Lines that tell how to fix the line before rather than report a problem of their own. */
const HINT_LINE = /^(?:\u{1F4A1}|\u{1F527}|hint:|common (?:issues|fixes)\b|to fix\b)/iu;
const BULLET = /^(?:[•\-*]|\d+[.)])\s+/;
/** A header whose bullets are separate problems (e.g. `SCHEMA_ERRORS:`). */
const PROBLEM_LIST_HEADER = /(?:errors?|problems?|issues? found|failures?)\s*:$/i;
const DECORATION = /^(?:[\p{Extended_Pictographic}\uFE0F\u200D]\s*)+/u;

export interface ParsedOutput {
  findings: Finding[];
  /** Tagged error lines seen, continuation lines included. */
  errorLines: number;
  warningLines: number;
  successLines: number;
  styles: Array<'bracket' | 'emoji'>;
}

/**
 * Incremental parser: push lines as they arrive, then `finish()`. Error and warning lines become
 * findings with rule id `external`; their continuation lines and hint lines enrich the finding
 * before; bullets under a problem-list header (`SCHEMA_ERRORS:`) become findings of their own.
 */
export class TaggedOutputParser {
  private readonly name: string | undefined;
  private readonly maxFindings: number;
  private readonly findings: Finding[] = [];
  private dropped = { error: 0, warning: 0 };
  private last: {
    finding: Finding;
    header: string;
    expandsBullets: boolean;
    hintMode: boolean;
  } | null = null;
  private counts = { errorLines: 0, warningLines: 0, successLines: 0 };
  private styles = new Set<'bracket' | 'emoji'>();

  constructor(options: { name?: string; maxFindings?: number } = {}) {
    this.name = options.name;
    this.maxFindings = options.maxFindings ?? 500;
  }

  push(raw: string): void {
    const line = classifyLine(raw);
    if (!line) return;
    this.styles.add(line.style);
    if (line.level === 'error') this.counts.errorLines++;
    else if (line.level === 'warning') this.counts.warningLines++;
    else if (line.level === 'success') this.counts.successLines++;
    if (line.level !== 'error' && line.level !== 'warning') {
      this.last = null;
      return;
    }
    const text = line.text.trim();
    if (text === '') return;
    const last = this.last && this.last.finding.severity === line.level ? this.last : null;
    if (last && HINT_LINE.test(text)) {
      this.appendHint(last, text.replace(DECORATION, '').replace(/^hint:\s*/i, ''));
      last.hintMode = true;
      return;
    }
    if (last && line.indent > 0) {
      const bullet = BULLET.exec(text);
      if (last.hintMode) this.appendHint(last, text);
      else if (bullet && last.expandsBullets)
        this.bulletFinding(last, text.slice(bullet[0].length));
      return;
    }
    const message = text.replace(DECORATION, '');
    const finding = this.add(line.level, message);
    this.last = finding
      ? {
          finding,
          header: message,
          expandsBullets: PROBLEM_LIST_HEADER.test(message),
          hintMode: false,
        }
      : null;
  }

  finish(): ParsedOutput {
    const findings = [...this.findings];
    for (const severity of ['error', 'warning'] as const) {
      const n = this.dropped[severity];
      if (n > 0) findings.push(this.make(severity, `${n} more ${severity} lines not recorded`));
    }
    return { findings, ...this.counts, styles: [...this.styles] };
  }

  private make(severity: Severity, message: string): Finding {
    const base = { severity, ruleId: 'external', message };
    return {
      ...base,
      signature: signatureOf(base, this.name === undefined ? {} : { name: this.name }),
    };
  }

  private add(severity: 'error' | 'warning', message: string): Finding | null {
    if (this.findings.length >= this.maxFindings) {
      this.dropped[severity]++;
      return null;
    }
    const f = this.make(severity, message);
    this.findings.push(f);
    return f;
  }

  private appendHint(last: { finding: Finding }, text: string): void {
    const hint = last.finding.hint ? `${last.finding.hint} ${text}` : text;
    last.finding.hint = hint.length > 1000 ? `${hint.slice(0, 997)}...` : hint;
  }

  /** Replaces a bare header (`SCHEMA_ERRORS:`) by one finding per bullet under it. */
  private bulletFinding(last: { finding: Finding; header: string }, item: string): void {
    const message = `${last.header} ${item}`;
    if (last.finding.message === last.header) {
      last.finding.message = message;
      last.finding.signature = signatureOf(
        last.finding,
        this.name === undefined ? {} : { name: this.name },
      );
    } else this.add(last.finding.severity as 'error' | 'warning', message);
  }
}

/** Parses a whole captured output at once. */
export function parseTaggedOutput(
  text: string,
  options: { name?: string; maxFindings?: number } = {},
): ParsedOutput {
  const parser = new TaggedOutputParser(options);
  for (const line of text.split('\n')) parser.push(line);
  return parser.finish();
}
