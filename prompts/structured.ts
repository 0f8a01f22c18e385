import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import type { AgentSessionRequest, OutcomeClass } from '../runner/agent/port.ts';
import {
  runAgentSession,
  type AgentSessionDeps,
  type AgentSessionInput,
  type AgentSessionResult,
} from '../runner/session.ts';

/**
 * A session that must return a structured answer (a plan, a score): the schema goes to the CLI
 * as `--json-schema`, the answer is checked again with valibot, and a missing or malformed
 * answer gets exactly one corrective retry (a new session whose prompt says what was wrong)
 * before it becomes a classified failure.
 */
export interface StructuredAnswerInput<T> {
  /** The first session's request; its sessionId is used for the first attempt. */
  request: Omit<AgentSessionRequest, 'jsonSchema'>;
  template: AgentSessionInput['template'];
  context?: AgentSessionInput['context'];
  jsonSchema: Record<string, unknown>;
  schema: v.GenericSchema<unknown, T>;
  /** Session id for the corrective retry. Default: a random uuid. */
  retrySessionId?: () => string;
}

export type StructuredAnswerResult<T> =
  | { ok: true; value: T; attempts: AgentSessionResult[] }
  | {
      ok: false;
      /** The failure class: structured_output_missing / _invalid, or the session's own class (usage_limit, api_error…). */
      class: OutcomeClass;
      retryable: boolean;
      message: string;
      /** Why the last answer was rejected (field: message), when it was malformed. */
      issues?: string[];
      resetAt?: string;
      attempts: AgentSessionResult[];
    };

type Check<T> =
  | { kind: 'ok'; value: T }
  | { kind: 'missing' }
  | { kind: 'invalid'; issues: string[] }
  | { kind: 'failed' };

function check<T>(schema: v.GenericSchema<unknown, T>, result: AgentSessionResult): Check<T> {
  const o = result.outcome;
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

export async function runStructuredSession<T>(
  deps: AgentSessionDeps,
  input: StructuredAnswerInput<T>,
): Promise<StructuredAnswerResult<T>> {
  const attempts: AgentSessionResult[] = [];
  const run = (sessionId: string, prompt: string) =>
    runAgentSession(deps, {
      request: { ...input.request, sessionId, prompt, jsonSchema: input.jsonSchema },
      template: input.template,
      ...(input.context ? { context: input.context } : {}),
    });

  let prompt = input.request.prompt;
  let sessionId = input.request.sessionId;
  for (let attempt = 1; ; attempt++) {
    const result = await run(sessionId, prompt);
    attempts.push(result);
    const c = check(input.schema, result);
    if (c.kind === 'ok') return { ok: true, value: c.value, attempts };
    const o = result.outcome;
    if (c.kind === 'failed') {
      return {
        ok: false,
        class: o.class,
        retryable: o.retryable,
        message: o.message,
        ...(o.resetAt ? { resetAt: o.resetAt } : {}),
        attempts,
      };
    }
    if (attempt >= 2) {
      const cls: OutcomeClass =
        c.kind === 'missing' ? 'structured_output_missing' : 'structured_output_invalid';
      const message =
        c.kind === 'missing'
          ? 'No structured answer, even after a corrective retry.'
          : 'The structured answer was malformed, even after a corrective retry.';
      return {
        ok: false,
        class: cls,
        retryable: true,
        message,
        ...(c.kind === 'invalid' ? { issues: c.issues } : {}),
        attempts,
      };
    }
    prompt = input.request.prompt + correctionText(c);
    sessionId = (input.retrySessionId ?? randomUUID)();
  }
}
