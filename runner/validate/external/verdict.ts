import { signatureOf } from '../finding-signature.ts';
import type { Finding, FindingInput } from '../types.ts';

export interface ExternalOutcome {
  /** Findings parsed from the command's output. */
  findings: readonly Finding[];
  exitCode: number | null;
  timedOut?: boolean;
  spawnError?: string | null;
  timeoutMs?: number;
}

function sign(f: FindingInput): Finding {
  return { ...f, signature: signatureOf(f) };
}

/**
 * Decides an external validator's verdict. It passes only when it exited 0 *and* printed no
 * error line: Vrooli's script of 2025-08-07 printed "Referenced file not found" errors and still
 * exited 0, so the exit code alone cannot be trusted. A non-zero exit without any error line,
 * a timeout, or a command that could not start fail with a finding of their own.
 */
export function judgeExternal(outcome: ExternalOutcome): { passed: boolean; findings: Finding[] } {
  const findings = [...outcome.findings];
  if (outcome.spawnError) {
    findings.push(
      sign({
        severity: 'error',
        ruleId: 'external.spawn',
        message: `The validator command could not start: ${outcome.spawnError}`,
        hint: 'Check the configured command and that the program exists on the allowed PATH.',
      }),
    );
  } else if (outcome.timedOut) {
    findings.push(
      sign({
        severity: 'error',
        ruleId: 'external.timeout',
        message: `The validator did not finish within ${outcome.timeoutMs ?? 0} ms and was stopped.`,
      }),
    );
  } else if (outcome.exitCode !== 0 && !findings.some((f) => f.severity === 'error')) {
    const how =
      outcome.exitCode === null ? 'was killed by a signal' : `exited with code ${outcome.exitCode}`;
    findings.push(
      sign({
        severity: 'error',
        ruleId: 'external.exit-code',
        message: `The validator ${how} without reporting an error line.`,
      }),
    );
  }
  return { passed: !findings.some((f) => f.severity === 'error'), findings };
}
