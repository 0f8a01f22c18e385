import { randomUUID } from 'node:crypto';
import { createDbInteractionRecorder } from '../../db/agent-interactions.ts';
import { addCost } from '../../db/run-state.ts';
import type { AgentEvent, AgentOutcome } from '../../runner/agent/port.ts';
import { unpackBundle } from '../../runner/bundle.ts';
import { createPidFileTracker } from '../../runner/orphans.ts';
import { runAgentSession } from '../../runner/session.ts';
import { handOver } from '../../runner/boundary/handover.ts';
import { createSessionDirs, markScriptsExecutable } from '../../runner/workspace.ts';
import type { TemplateName } from '../../prompts/render.ts';
import type { RunContext } from './context.ts';
import { renderForRun } from './prompt-choice.ts';
import { agentNote } from '../../prompts/agent-notes.ts';
import type { PipelineDeps } from './deps.ts';
import { fingerprint, judgeShutdown, judgeWrites, WRITE_TOOLS } from './session-verdicts.ts';

/**
 * One agent session of a pipeline stage: a fresh workspace (restored from a bundle when the
 * stage works on earlier files), the rendered template, the run's budgets, live events on the
 * run's progress stream, cancellation when the run is cancelled, and `inspect` called on the
 * workspace before it is removed (to bundle or validate the files the agent wrote).
 */
export interface StageSession<T> {
  ctx: RunContext;
  phase: string;
  iteration: number;
  stepKey: string;
  template: TemplateName;
  /** The template's variables; the renderer refuses missing or unknown ones at run time. */
  vars: Record<string, string>;
  jsonSchema?: Record<string, unknown>;
  /** Appended to the rendered prompt (a corrective note on a retry). */
  appendPrompt?: string;
  restoreBundleKey?: string;
  /** The run's cancellation signal (the handler's `signal`): the session dies with the run. */
  signal: AbortSignal;
  /**
   * The session's job is to write files (implementation, fixes): a success whose writes were all
   * refused is `writes_refused`; with `mustChange` (a fix), one that changed no file is
   * `no_change`. Neither is a success, whatever the CLI said.
   */
  writes?: { mustChange: boolean };
  inspect?: (workspace: string, outcome: AgentOutcome) => Promise<T>;
}

export interface StageSessionResult<T> {
  outcome: AgentOutcome;
  inspected?: T;
}

export function describeEvent(e: AgentEvent): { message: string; lastAction?: string } | undefined {
  switch (e.kind) {
    case 'init':
      return { message: `agent started (${e.model ?? 'model'})` };
    case 'text':
      return { message: e.text.slice(0, 500) };
    case 'tool_use':
      return {
        message: `${e.tool} ${e.summary}`.slice(0, 500),
        lastAction: `${e.tool} ${e.summary}`.slice(0, 200),
      };
    case 'tool_result':
      return e.isError ? { message: `tool error: ${e.summary}`.slice(0, 500) } : undefined;
    case 'permission_denied':
      return { message: `permission denied: ${e.tool} ${e.path ?? ''}`.trim() };
    case 'api_retry':
      return {
        message: `API busy (${e.status ?? 'error'}): retry ${e.attempt}/${e.maxRetries} in ${Math.round(e.delayMs / 1000)} s`,
        lastAction: 'waiting for the API',
      };
    case 'rate_limit':
      return { message: `usage limit ${e.status}${e.resetsAt ? `, resets ${e.resetsAt}` : ''}` };
    // The CLI's own subtype can say "success" for a session that failed (not logged in): the
    // session's end is reported from its outcome instead (reportEnd).
    default:
      return undefined;
  }
}

export async function runStageSession<T>(
  deps: PipelineDeps,
  s: StageSession<T>,
): Promise<StageSessionResult<T>> {
  const { ctx } = s;
  const sessionId = randomUUID();
  // No sandbox settings: pipeline sessions get no Bash, the only tool Claude Code's sandbox confines.
  const dirs = await createSessionDirs(deps.runnerRoot, { scenarioSlug: ctx.slug, sessionId });
  try {
    if (s.restoreBundleKey) await unpackBundle(deps.store, s.restoreBundleKey, dirs.workspace);
    // The agent user owns the session's workspace and HOME, and nothing else.
    await handOver(dirs.root, deps.boundary.runAs, (line) => deps.log.info(line));
    const before = s.writes?.mustChange ? await fingerprint(dirs.workspace) : undefined;
    let writeCalls = 0;
    // The version the run drew for this template (an experiment's arm, or the incumbent).
    const prompt = await renderForRun(deps.sql, ctx.runId, s.template, s.vars);
    const b = ctx.budget.session;
    if (deps.sessions.active >= deps.sessions.max) {
      await deps.reporter.report({
        scenarioId: ctx.scenarioId,
        runId: ctx.runId,
        kind: 'log',
        phase: s.phase,
        iteration: s.iteration,
        step: s.stepKey,
        message: 'waiting for a free agent slot',
        live: { lastAction: 'waiting for a free agent slot' },
      });
    }
    const agentName =
      ctx.budget.agent ?? ctx.campaignAgent ?? ctx.budget.defaultAgent ?? deps.config.AGENT;
    const result = await deps.sessions.run(
      () =>
        runAgentSession(
          {
            agent: deps.agentFor(agentName),
            store: deps.store,
            recorder: createDbInteractionRecorder(deps.sql),
            secrets: deps.secrets,
            transcriptCapBytes: deps.config.TRANSCRIPT_CAP_BYTES,
            // Pid files let a restarted runner stop this session's processes even without the database.
            tracker: createPidFileTracker(deps.runnerRoot, deps.runnerId),
            publish: async (event) => {
              if (event.kind === 'tool_use' && WRITE_TOOLS.has(event.tool)) writeCalls++;
              if (event.kind === 'result') await addCost(deps.sql, ctx.runId, event.costUsd);
              const d = describeEvent(event);
              if (!d) return;
              await deps.reporter.report({
                scenarioId: ctx.scenarioId,
                runId: ctx.runId,
                kind: 'agent',
                phase: s.phase,
                iteration: s.iteration,
                step: s.stepKey,
                message: d.message,
                data: { detail: event },
                ...(d.lastAction ? { live: { lastAction: d.lastAction } } : {}),
              });
            },
          },
          {
            request: {
              sessionId,
              workspace: dirs.workspace,
              home: dirs.home,
              prompt: [prompt.text, agentNote(agentName), s.appendPrompt]
                .filter(Boolean)
                .join('\n\n'),
              model: ctx.budget.model,
              maxTurns: b.maxTurns,
              maxBudgetUsd: b.maxBudgetUsd,
              ...(s.jsonSchema ? { jsonSchema: s.jsonSchema } : {}),
              // Nothing is pre-approved: acceptEdits allows writes inside the workspace only, the
              // session HOME's settings refuse reads outside it, and Bash is not offered.
              ...(deps.boundary.runAs ? { runAs: deps.boundary.runAs } : {}),
              timeoutMs: b.timeoutMs,
              idleTimeoutMs: b.idleTimeoutMs,
              signal: s.signal,
              env: deps.agentEnv(),
            },
            template: { name: prompt.template, version: prompt.version },
            context: {
              runId: ctx.runId,
              scenarioId: ctx.scenarioId,
              stepKey: s.stepKey,
              phase: s.phase,
              iteration: s.iteration,
              runnerId: deps.runnerId,
            },
          },
        ),
      s.signal,
    );
    const stopped = await judgeShutdown(deps, result.outcome, s.signal);
    const outcome = s.writes
      ? await judgeWrites(deps, stopped, writeCalls, before, dirs.workspace)
      : stopped;
    result.outcome = outcome;
    await reportEnd(deps, s, result.outcome);
    await reportDenials(deps, s, result.outcome);
    if (s.inspect && result.outcome.class === 'success')
      await markScriptsExecutable(dirs.workspace);
    const inspected = s.inspect ? await s.inspect(dirs.workspace, result.outcome) : undefined;
    return { outcome: result.outcome, ...(inspected !== undefined ? { inspected } : {}) };
  } finally {
    await dirs.remove();
  }
}

/** Refused tool calls are a finding on the session: a warning in the run's log, with each path. */
async function reportDenials<T>(
  deps: PipelineDeps,
  s: StageSession<T>,
  outcome: AgentOutcome,
): Promise<void> {
  const denials = outcome.permissionDenials;
  if (denials.length === 0) return;
  const list = denials.map((d) => `${d.tool}${d.path ? ` ${d.path}` : ''}`);
  await deps.reporter.report({
    scenarioId: s.ctx.scenarioId,
    runId: s.ctx.runId,
    kind: 'log',
    level: 'warn',
    phase: s.phase,
    iteration: s.iteration,
    step: s.stepKey,
    message:
      `${denials.length} tool call(s) outside the workspace refused: ${list.join(', ')}`.slice(
        0,
        1000,
      ),
    data: { detail: { permissionDenials: denials, sessionId: outcome.sessionId } },
  });
}

/** How the session ended, in the project's outcome classes (never the CLI's subtype). */
async function reportEnd<T>(
  deps: PipelineDeps,
  s: StageSession<T>,
  outcome: AgentOutcome,
): Promise<void> {
  await deps.reporter.report({
    scenarioId: s.ctx.scenarioId,
    runId: s.ctx.runId,
    kind: 'agent',
    level: outcome.class === 'success' ? 'info' : 'warn',
    phase: s.phase,
    iteration: s.iteration,
    step: s.stepKey,
    message: `session ended: ${outcome.class}, ${outcome.turns} turns, $${outcome.costUsd.toFixed(4)}`,
  });
}
