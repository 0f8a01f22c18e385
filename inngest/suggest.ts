import { randomUUID } from 'node:crypto';
import { AppError } from '../core/errors.ts';
import { DEFAULT_BUDGETS } from '../core/budget.ts';
import { createDbInteractionRecorder } from '../db/agent-interactions.ts';
import type { Sql } from '../db/client.ts';
import { getIncumbent, getPromptVersion } from '../db/prompt-versions.ts';
import {
  createSuggestion,
  finishSuggestion,
  getSuggestion,
  problemBrief,
  type PromptSuggestion,
} from '../db/prompt-suggestions.ts';
import { loadTemplate, renderTemplate } from '../prompts/render.ts';
import { SuggestionAnswer, suggestionJsonSchema } from '../prompts/schemas.ts';
import { instructionSection, replaceSection, templateForStage } from '../prompts/sections.ts';
import { askStructured } from '../prompts/structured.ts';
import type { AgentOutcome } from '../runner/agent/port.ts';
import { handOver } from '../runner/boundary/handover.ts';
import { runAgentSession } from '../runner/session.ts';
import { createSessionDirs } from '../runner/workspace.ts';
import type { Engine } from './engine/port.ts';
import { SUGGESTION_REQUESTED } from './events.ts';
import type { PipelineDeps } from './stage-kit/deps.ts';
import { latestRunPerCampaign } from '../db/signature-runs.ts';

/**
 * Suggested prompt changes: for a recurring problem, a plan-only agent session (no write or shell
 * tool) gets the signature, example findings and the current section of the template the
 * problem's stage follows, and answers with a replacement section and a rationale (structured
 * output, one corrective retry). The result is stored pending; nothing changes a prompt until a
 * person approves it.
 */
export type SuggestDeps = Pick<
  PipelineDeps,
  | 'sql'
  | 'store'
  | 'agent'
  | 'agentEnv'
  | 'runnerRoot'
  | 'runnerId'
  | 'secrets'
  | 'boundary'
  | 'log'
  | 'lifecycle'
> & { config: Pick<PipelineDeps['config'], 'AGENT_MODEL' | 'TRANSCRIPT_CAP_BYTES'> };

const NO_WRITES = ['Write', 'Edit', 'MultiEdit', 'NotebookEdit', 'Bash'];

/**
 * Creates the suggestion (`proposing`) and hands its session to the engine (SUGGESTION_REQUESTED,
 * run by propose-suggestion on a process that runs agents): it survives a restart, and an api
 * process never runs an agent itself.
 */
export async function requestSuggestion(
  deps: { sql: Sql; engine: Pick<Engine, 'send' | 'kind'> },
  fingerprint: string,
  actor: string,
): Promise<PromptSuggestion> {
  const problem = await problemBrief(deps.sql, fingerprint);
  const template = templateForStage(problem.stage);
  const base = await currentVersion(deps.sql, template);
  const suggestion = await createSuggestion(
    deps.sql,
    { fingerprint, signature: problem.signature, template, baseVersion: base.version },
    actor,
  );
  try {
    await deps.engine.send({
      name: SUGGESTION_REQUESTED,
      id: `suggest-${suggestion.id}`,
      data: { suggestionId: suggestion.id },
    });
  } catch (e) {
    const error = `The ${deps.engine.kind} engine did not accept the request: ${(e as Error).message}`;
    await finishSuggestion(deps.sql, suggestion.id, { ok: false, error });
    throw new AppError('service_unavailable', error, { cause: e });
  }
  return suggestion;
}

/**
 * Runs the plan-only session of a `proposing` suggestion and records its answer, or why there is
 * none. Idempotent: a suggestion already decided is returned as it is. A session stopped because
 * the engine stops (`signal`) throws instead, so the engine runs it again after a restart.
 */
export async function proposeSuggestion(
  deps: SuggestDeps,
  suggestionId: string,
  signal?: AbortSignal,
): Promise<PromptSuggestion> {
  const suggestion = await getSuggestion(deps.sql, suggestionId);
  if (suggestion.status !== 'proposing') return suggestion;
  const problem = await problemBrief(deps.sql, suggestion.fingerprint);
  const base = await versionBody(deps.sql, suggestion.template, suggestion.baseVersion);
  const section = instructionSection(base);
  const prompt = renderTemplate('suggest-change', {
    template: suggestion.template,
    version: suggestion.baseVersion,
    signature: problem.signature,
    stage: problem.stage ?? 'unknown',
    runs: String(problem.runsAffected),
    examples:
      problem.examples
        .map((e) => `- ${e.file ? `${e.file}: ` : ''}${e.message}`)
        .join('\n')
        .slice(0, 8000) || '- (none kept)',
    section: section.heading,
    sectionText: section.text,
  });
  let last: AgentOutcome | undefined;
  try {
    const r = await askStructured(async (correction) => {
      last = await planOnlySession(deps, prompt, correction, signal);
      return last;
    }, SuggestionAnswer);
    if (signal?.aborted) throw signal.reason ?? new Error('stopped');
    if (!r.answer) throw new Error(r.outcome.message ?? `session ended ${r.outcome.class}`);
    const proposedBody = replaceSection(base, section.heading, r.answer.replacement);
    await finishSuggestion(deps.sql, suggestion.id, {
      ok: true,
      section: section.heading,
      proposedBody,
      rationale: r.answer.rationale,
      sessionId: r.outcome.sessionId,
    });
    // Each campaign whose runs met the problem hears that a change waits for a person.
    for (const runId of await latestRunPerCampaign(deps.sql, suggestion.fingerprint))
      await deps.lifecycle.notify({
        runId,
        event: 'suggestion.pending',
        key: `suggestion:${suggestion.id}`,
        message:
          `A prompt change for the recurring problem ${problem.signature} was suggested: ${r.answer.rationale}`.slice(
            0,
            2000,
          ),
      });
  } catch (e) {
    if (signal?.aborted) throw e;
    deps.log.warn(`prompt suggestion ${suggestion.id} failed: ${(e as Error).message}`);
    await finishSuggestion(deps.sql, suggestion.id, {
      ok: false,
      error: (e as Error).message,
      ...(last ? { sessionId: last.sessionId } : {}),
    });
  }
  return getSuggestion(deps.sql, suggestion.id);
}

/** The template's incumbent version: a promoted version, or the file's. */
async function currentVersion(
  sql: Sql,
  template: ReturnType<typeof templateForStage>,
): Promise<{ version: string }> {
  const file = loadTemplate(template);
  const incumbent = await getIncumbent(sql, template);
  return { version: incumbent ?? file.version };
}

/** A version's text: the file's when it is the file's version, else the stored one. */
async function versionBody(sql: Sql, template: string, version: string): Promise<string> {
  const file = loadTemplate(template as ReturnType<typeof templateForStage>);
  if (version === file.version) return file.text;
  return (await getPromptVersion(sql, template, version)).body;
}

async function planOnlySession(
  deps: SuggestDeps,
  prompt: { text: string; template: string; version: string },
  correction: string | undefined,
  signal: AbortSignal | undefined,
): Promise<AgentOutcome> {
  const sessionId = randomUUID();
  const dirs = await createSessionDirs(deps.runnerRoot, {
    scenarioSlug: 'prompt-suggestions',
    sessionId,
  });
  try {
    await handOver(dirs.root, deps.boundary.runAs, (line) => deps.log.info(line));
    const b = DEFAULT_BUDGETS.simple;
    const result = await runAgentSession(
      {
        agent: deps.agent,
        store: deps.store,
        recorder: createDbInteractionRecorder(deps.sql),
        secrets: deps.secrets,
        transcriptCapBytes: deps.config.TRANSCRIPT_CAP_BYTES,
        publish: () => {},
      },
      {
        request: {
          sessionId,
          workspace: dirs.workspace,
          home: dirs.home,
          prompt: correction ? `${prompt.text}\n\n${correction}` : prompt.text,
          model: deps.config.AGENT_MODEL,
          maxTurns: 5,
          maxBudgetUsd: b.maxBudgetUsd,
          jsonSchema: suggestionJsonSchema,
          disallowedTools: NO_WRITES,
          ...(deps.boundary.runAs ? { runAs: deps.boundary.runAs } : {}),
          timeoutMs: b.timeoutMs,
          idleTimeoutMs: b.idleTimeoutMs,
          env: deps.agentEnv(),
          ...(signal ? { signal } : {}),
        },
        template: { name: prompt.template, version: prompt.version },
        context: { phase: 'suggesting', runnerId: deps.runnerId },
      },
    );
    return result.outcome;
  } finally {
    await dirs.remove();
  }
}
