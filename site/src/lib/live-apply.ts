import {
  PHASES,
  type AgentDetail,
  type EvidenceLevel,
  type LiveEvent,
  type Phase,
  type Scenario,
  type ScenarioSnapshot,
} from './types.ts';

/**
 * Live events applied to a scenario as the pipeline applies them to its row: status and phase,
 * progress (never backwards), cost, the last agent action. Each event counts once (by seq).
 */
const TERMINAL = new Set(['deployed', 'failed', 'cancelled']);
const RUNNING = new Set(['queued', 'planning', 'implementing', 'validating', 'deploying']);
const isPhase = (p: string | null): p is Phase =>
  (PHASES as readonly (string | null)[]).includes(p);

/** Short text for an agent event: the server's message, else the tool and its argument. */
export function describeAgent(
  detail: AgentDetail | undefined,
  message: string | null | undefined,
): string {
  if (message) return firstLine(message);
  if (!detail) return '';
  if (detail.kind === 'tool_use')
    return `${detail.tool ?? 'Tool'} ${detail.summary ?? toolArgument(detail.input)}`.trim();
  return firstLine(detail.text ?? detail.summary ?? '');
}

/** The argument of a tool call worth showing: a path, a command or a pattern. */
export function toolArgument(input: unknown): string {
  if (!input || typeof input !== 'object') return typeof input === 'string' ? firstLine(input) : '';
  const o = input as Record<string, unknown>;
  for (const k of ['file_path', 'path', 'command', 'pattern', 'url', 'description', 'prompt']) {
    if (typeof o[k] === 'string') return firstLine(o[k] as string);
  }
  return '';
}

function firstLine(s: string, max = 200): string {
  const line = s.trim().split('\n')[0] ?? '';
  return line.length > max ? line.slice(0, max - 1) + '…' : line;
}

/**
 * Applies an event to a scenario (a card or the scenario page's header), mirroring what the
 * pipeline writes to the scenario row. Returns false for an event already reflected (its seq is
 * not newer than the scenario's).
 */
export function applyEvent(s: Scenario, ev: LiveEvent): boolean {
  if (ev.scenarioId !== s.id) return false;
  if (typeof ev.seq === 'number') {
    if (ev.seq <= s.eventSeq) return false;
    s.eventSeq = ev.seq;
  }
  if (ev.status && ev.status !== s.status) {
    if (TERMINAL.has(s.status) || s.status === 'draft') {
      // A new run began.
      s.startedAt = ev.at;
      s.finishedAt = null;
      s.error = null;
      s.progress = 0;
    }
    s.status = ev.status;
    if (!s.startedAt && ev.status !== 'draft') s.startedAt = ev.at;
    if (TERMINAL.has(ev.status)) {
      s.finishedAt ??= ev.at;
      if (ev.status !== 'deployed' && ev.level === 'error' && ev.message) s.error = ev.message;
    }
    if (ev.status === 'deployed') {
      s.deployedAt = ev.at;
      s.progress = 100;
      // The lifecycle's deploy message names the level: "Deployed (evidence: ran): …".
      const level = /\(evidence: (structure|ran|tested)\)/.exec(ev.message)?.[1];
      if (level) s.evidence = level as EvidenceLevel;
    }
  } else if (
    isPhase(ev.phase) &&
    RUNNING.has(s.status) &&
    (ev.type === 'progress' || ev.type === 'agent')
  ) {
    // Work in a phase means the scenario is in that phase (the pipeline's enterPhase).
    s.status = ev.phase;
    s.startedAt ??= ev.at;
  }
  if (isPhase(ev.phase) && !TERMINAL.has(s.status)) s.phase = ev.phase;
  if (typeof ev.iteration === 'number' && ev.iteration > 0 && !TERMINAL.has(s.status))
    s.iteration = ev.iteration;
  if (typeof ev.progress === 'number')
    s.progress = Math.max(s.progress, Math.min(100, ev.progress));
  if (typeof ev.totalCostUsd === 'number') s.costUsd = ev.totalCostUsd;
  else if (typeof ev.costUsd === 'number') s.costUsd = ev.costUsd;
  else if (
    ev.type === 'agent' &&
    ev.detail?.kind === 'result' &&
    typeof ev.detail.costUsd === 'number'
  )
    s.costUsd = Number(s.costUsd) + ev.detail.costUsd;
  if (ev.runId) s.currentRunId = ev.runId;
  if (ev.lastAction) s.lastAction = ev.lastAction;
  else if (ev.type === 'agent' && ev.detail?.kind === 'tool_use')
    s.lastAction = describeAgent(ev.detail, ev.message);
  else if (ev.type === 'agent' && ev.detail?.kind === 'api_retry')
    s.lastAction = 'waiting for the API';
  return true;
}

/** Applies a snapshot of a scenario's live columns when it is at least as new as what is shown. */
export function applySnapshot(s: Scenario, snap: ScenarioSnapshot | Scenario): boolean {
  if (snap.id !== s.id || snap.eventSeq < s.eventSeq) return false;
  s.status = snap.status;
  s.phase = snap.phase;
  s.iteration = snap.iteration;
  s.progress = snap.progress;
  s.lastAction = snap.lastAction;
  s.costUsd = snap.costUsd;
  s.eventSeq = snap.eventSeq;
  s.startedAt = snap.startedAt;
  s.finishedAt = snap.finishedAt;
  s.error = snap.error;
  if ('currentRunId' in snap) s.currentRunId = snap.currentRunId;
  if ('deployedAt' in snap) s.deployedAt = snap.deployedAt;
  return true;
}
