import type * as v from 'valibot';
import { askStructured } from '../../prompts/structured.ts';
import type { AgentOutcome } from '../../runner/agent/port.ts';
import type { PipelineDeps } from './deps.ts';
import { runStageSession, type StageSession } from './session.ts';

/**
 * A stage session that must answer with structured JSON (`--json-schema`): each attempt is a
 * stage session of its own; prompts/structured.ts decides when to correct and how to classify.
 */
export async function structuredSession<S extends v.GenericSchema>(
  deps: PipelineDeps,
  s: Omit<StageSession<never>, 'jsonSchema' | 'inspect'>,
  jsonSchema: Record<string, unknown>,
  schema: S,
): Promise<{ outcome: AgentOutcome; answer?: v.InferOutput<S> }> {
  const r = await askStructured(
    async (correction) =>
      (
        await runStageSession(deps, {
          ...s,
          jsonSchema,
          ...(correction ? { appendPrompt: correction } : {}),
        })
      ).outcome,
    schema as v.GenericSchema<unknown, v.InferOutput<S>>,
  );
  return { outcome: r.outcome, ...(r.answer !== undefined ? { answer: r.answer } : {}) };
}
