import { finishSuggestion } from '../../db/prompt-suggestions.ts';
import { SUGGESTION_REQUESTED, SuggestionRequested } from '../events.ts';
import type { FunctionSpec } from '../spec.ts';
import { proposeSuggestion, type SuggestDeps } from '../suggest.ts';

/**
 * propose-suggestion: the plan-only session of a suggested prompt change, run by the engine like
 * a stage (so on a worker, and again after a restart that interrupted it). One at a time: it is
 * a person's request, not a run's, and should not crowd out runs' sessions.
 */
export function createProposeSuggestion(
  deps: SuggestDeps,
): FunctionSpec<SuggestionRequested, { status: string }> {
  return {
    id: 'propose-suggestion',
    name: 'Suggest a prompt change for a recurring problem',
    trigger: { event: SUGGESTION_REQUESTED },
    schema: SuggestionRequested,
    retries: 2,
    concurrency: [{ limit: 1 }],
    async handler({ event, step, signal }) {
      const status = await step.run(
        'propose',
        async () => (await proposeSuggestion(deps, event.data.suggestionId, signal)).status,
      );
      return { status };
    },
    async onFailure({ event, error }) {
      await finishSuggestion(deps.sql, event.data.suggestionId, {
        ok: false,
        error: `The suggestion's session could not run: ${error.message}`,
      });
    },
  };
}
