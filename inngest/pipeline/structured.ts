import * as v from 'valibot';
import type { AgentOutcome } from '../../runner/agent/port.ts';
import type { PipelineDeps } from './deps.ts';
import { runStageSession, type StageSession } from './session.ts';

/**
 * A session that must answer with structured JSON (`--json-schema`). The answer is validated
 * with valibot; a missing or malformed answer gets one corrective retry (a new session told what
 * was wrong), then the outcome is classified `structured_output_missing` / `_invalid`.
 */
export async function structuredSession<S extends v.GenericSchema>(
  deps: PipelineDeps,
  s: Omit<StageSession<never>, 'jsonSchema' | 'inspect'>,
  jsonSchema: Record<string, unknown>,
  schema: S,
): Promise<{ outcome: AgentOutcome; answer?: v.InferOutput<S> }> {
  let note: string | undefined;
  let last: AgentOutcome | undefined;
  for (let attempt = 0; attempt < 2; attempt++) {
    const { outcome } = await runStageSession(deps, {
      ...s,
      jsonSchema,
      ...(note ? { appendPrompt: note } : {}),
    });
    last = outcome;
    if (outcome.class !== 'success') return { outcome };
    if (outcome.structuredOutput === undefined) {
      note =
        'IMPORTANT: your previous answer did not call the StructuredOutput tool. Answer ONLY by calling StructuredOutput with an object matching its schema.';
      last = {
        ...outcome,
        class: 'structured_output_missing',
        retryable: false,
        message: 'The agent did not return the structured answer.',
      };
      continue;
    }
    const parsed = v.safeParse(schema, outcome.structuredOutput);
    if (parsed.success) return { outcome, answer: parsed.output };
    const problems = parsed.issues
      .map((i) => `${(i.path ?? []).map((p) => String(p.key)).join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    note = `IMPORTANT: your previous structured answer was invalid (${problems}). Call StructuredOutput again with a corrected object.`;
    last = {
      ...outcome,
      class: 'structured_output_invalid',
      retryable: false,
      message: `The structured answer was invalid: ${problems}`.slice(0, 500),
    };
  }
  return { outcome: last! };
}
