import * as v from 'valibot';
import type { AgentOutcome } from '../runner/agent/port.ts';

/**
 * A session that must return a structured answer (a plan, a score): the schema goes to the CLI
 * as `--json-schema`, the answer is checked again with valibot, and a missing or malformed
 * answer gets exactly one corrective retry (a new session whose prompt says what was wrong)
 * before it becomes a classified failure (`structured_output_missing` / `_invalid`, not
 * retryable). A session that failed for another reason is passed through as it is.
 */
export interface StructuredAnswer<T> {
  /** The last session's outcome (reclassified when its answer was missing or malformed). */
  outcome: AgentOutcome;
  answer?: T;
  /** Outcomes of every session run, in order (one or two). */
  attempts: AgentOutcome[];
  /** Why the last answer was rejected (`field: message`), when it was malformed. */
  issues?: string[];
}

type Check<T> =
  | { kind: 'ok'; value: T }
  | { kind: 'missing' }
  | { kind: 'invalid'; issues: string[] }
  | { kind: 'failed' };

function check<T>(schema: v.GenericSchema<unknown, T>, o: AgentOutcome): Check<T> {
  if (o.class === 'structured_output_missing') return { kind: 'missing' };
  if (o.class !== 'success') return { kind: 'failed' };
  if (o.structuredOutput === undefined) return { kind: 'missing' };
  const parsed = v.safeParse(schema, o.structuredOutput);
  if (parsed.success) return { kind: 'ok', value: parsed.output };
  const issues = parsed.issues
    .map((i) => `${v.getDotPath(i) ?? '(answer)'}: ${i.message}`)
    .slice(0, 20);
  return { kind: 'invalid', issues };
}

/** The correction appended to the prompt of the retry. */
export function correctionText(
  c: { kind: 'missing' } | { kind: 'invalid'; issues: string[] },
): string {
  const what =
    c.kind === 'missing'
      ? 'Your previous answer did not use the structured output tool, so no answer was received.'
      : `Your previous structured answer was rejected:\n${c.issues.map((i) => `- ${i}`).join('\n')}`;
  return `\n\n## Correction\n\n${what}\nAnswer again, this time with the structured output tool, giving every required field in the required form.\n`;
}

/**
 * Runs `session` (given the correction to append on the retry, or undefined the first time)
 * until it yields a valid answer, at most twice.
 */
export async function askStructured<T>(
  session: (correction: string | undefined) => Promise<AgentOutcome>,
  schema: v.GenericSchema<unknown, T>,
): Promise<StructuredAnswer<T>> {
  const attempts: AgentOutcome[] = [];
  let correction: string | undefined;
  for (;;) {
    const outcome = await session(correction);
    attempts.push(outcome);
    const c = check(schema, outcome);
    if (c.kind === 'ok') return { outcome, answer: c.value, attempts };
    if (c.kind === 'failed') return { outcome, attempts };
    if (attempts.length >= 2) {
      const missing = c.kind === 'missing';
      return {
        outcome: {
          ...outcome,
          class: missing ? 'structured_output_missing' : 'structured_output_invalid',
          retryable: false,
          message: missing
            ? 'No structured answer, even after a corrective retry.'
            : `The structured answer was malformed, even after a corrective retry: ${c.issues.join('; ')}`.slice(
                0,
                500,
              ),
        },
        attempts,
        ...(c.kind === 'invalid' ? { issues: c.issues } : {}),
      };
    }
    correction = correctionText(c);
  }
}
