import type { ObjectStore } from '../core/store/port.ts';
import type { AgentEvent, AgentOutcome, AgentPort, AgentSessionRequest } from './agent/port.ts';
import type { InteractionRecorder } from './agent/recorder.ts';
import { createRedactor, secretValues } from './redact.ts';
import { openTranscript, transcriptKey, type TranscriptSummary } from './transcript.ts';

/**
 * One agent session, wired: the process runs through the agent port; every raw line goes
 * (redacted) to the object store up to a cap; every normalised event is published (redacted) as
 * it arrives; the interaction is recorded at start (with its pid) and at the end.
 */
export interface ProcessTracker {
  /** Remembers a running session's process so a restarted runner can stop it (orphans.ts). */
  track(info: { sessionId: string; pid: number }): Promise<void> | void;
  untrack(sessionId: string): Promise<void> | void;
}

export interface AgentSessionDeps {
  agent: AgentPort;
  store: ObjectStore;
  publish: (event: AgentEvent) => Promise<void> | void;
  recorder: InteractionRecorder;
  /** Configured secrets; the request env's credential values are added automatically. */
  secrets: readonly string[];
  transcriptCapBytes: number;
  tracker?: ProcessTracker;
}

export interface AgentSessionInput {
  request: AgentSessionRequest;
  /** Rendered template name and version (content hash), recorded with the interaction. */
  template: { name: string; version: string };
  /** Where the session belongs (all optional for ad-hoc sessions). */
  context?: {
    runId?: string;
    scenarioId?: string;
    stepKey?: string;
    phase?: string;
    iteration?: number;
    runnerId?: string;
  };
}

export interface AgentSessionResult {
  /** The outcome with secrets removed. */
  outcome: AgentOutcome;
  transcriptKey?: string;
  transcriptBytes: number;
  transcriptTruncated: boolean;
  /** Events not published because the publisher fell too far behind. */
  droppedEvents: number;
}

/** Pending publishes beyond which further events are dropped (a stuck bus must not grow memory). */
const MAX_PENDING_PUBLISHES = 1000;
/** Longest wait for queued publishes once the agent has finished. */
const PUBLISH_DRAIN_MS = 10_000;

export async function runAgentSession(
  deps: AgentSessionDeps,
  input: AgentSessionInput,
): Promise<AgentSessionResult> {
  const req = input.request;
  const redactor = createRedactor(secretValues(req.env, deps.secrets));
  const ctx = input.context ?? {};
  await deps.recorder.start({
    sessionId: req.sessionId,
    agent: deps.agent.name,
    promptTemplate: input.template.name,
    promptVersion: input.template.version,
    ...(req.model ? { model: req.model } : {}),
    ...ctx,
  });

  const key = transcriptKey(req.sessionId);
  const transcript = openTranscript(deps.store, key, deps.transcriptCapBytes);
  let chain: Promise<void> = Promise.resolve();
  let pending = 0;
  let dropped = 0;
  let publishErrors = 0;
  const side: Array<Promise<unknown>> = [];
  const later = (fn: () => Promise<void> | void): void => {
    if (pending >= MAX_PENDING_PUBLISHES) {
      dropped++;
      return;
    }
    pending++;
    chain = chain
      .then(fn)
      .catch(() => {
        publishErrors++;
      })
      .finally(() => pending--);
  };

  let tracked = false;
  const onEvent = (event: AgentEvent): void => {
    if (event.kind === 'spawn') {
      side.push(deps.recorder.setPid(req.sessionId, event.pid));
      if (deps.tracker) {
        tracked = true;
        side.push(
          Promise.resolve(deps.tracker.track({ sessionId: req.sessionId, pid: event.pid })),
        );
      }
    }
    const clean = redactor.value(event);
    later(() => deps.publish(clean));
  };

  let outcome: AgentOutcome | undefined;
  let thrown: unknown;
  try {
    outcome = redactor.value(
      await deps.agent.run(req, onEvent, (line) => transcript.line(redactor.text(line))),
    );
  } catch (e) {
    thrown = e;
  }
  // No raw line comes after the agent has returned: end the transcript now, so that storing it
  // (a filesystem store fsyncs, an S3 store finishes its upload) overlaps the drain below.
  const closing = transcript.close();
  // A stuck publisher must not hold the session open for ever.
  let drainTimer: NodeJS.Timeout | undefined;
  await Promise.race([
    chain,
    new Promise<void>((r) => (drainTimer = setTimeout(r, PUBLISH_DRAIN_MS))),
  ]);
  clearTimeout(drainTimer);
  const failedSide = (await Promise.allSettled(side)).find(
    (r): r is PromiseRejectedResult => r.status === 'rejected',
  );
  if (tracked) await deps.tracker?.untrack(req.sessionId);
  const stored = await closing;
  if (!outcome) {
    // A programming error (e.g. a request the adapter refuses): close the record, then rethrow.
    const message = redactor.text(thrown instanceof Error ? thrown.message : String(thrown));
    await deps.recorder.markCrashed(req.sessionId, message);
    if (thrown instanceof Error) thrown.message = message;
    throw thrown;
  }
  outcome = redactor.value(transcriptVerdict(outcome, stored));
  await deps.recorder.finish(req.sessionId, {
    outcome: outcome.class,
    outcomeDetail: {
      message: outcome.message,
      retryable: outcome.retryable,
      exitCode: outcome.exitCode,
      ...(outcome.resetAt ? { resetAt: outcome.resetAt } : {}),
      ...(outcome.resultText !== undefined
        ? { resultText: outcome.resultText.slice(0, 2000) }
        : {}),
      ...(stored.error ? { transcriptError: redactor.text(stored.error) } : {}),
      ...(failedSide ? { recordError: redactor.text(String(failedSide.reason)) } : {}),
      ...(dropped > 0 ? { droppedEvents: dropped } : {}),
      ...(publishErrors > 0 ? { publishErrors } : {}),
    },
    ...(outcome.model ? { model: outcome.model } : {}),
    turns: outcome.turns,
    usage: outcome.usage,
    costUsd: outcome.costUsd,
    durationMs: outcome.durationMs,
    permissionDenials: outcome.permissionDenials,
    ...(stored.error ? {} : { transcriptKey: stored.key }),
    transcriptBytes: stored.error ? 0 : stored.bytes,
    transcriptTruncated: stored.truncated,
  });
  return {
    outcome,
    ...(stored.error ? {} : { transcriptKey: stored.key }),
    transcriptBytes: stored.error ? 0 : stored.bytes,
    transcriptTruncated: stored.truncated,
    droppedEvents: dropped,
  };
}

/** Outcomes a failed transcript does not override: the session stopped for a reason of its own. */
const KEEP = new Set<AgentOutcome['class']>(['cancelled', 'interrupted', 'usage_limit']);

/**
 * A session whose transcript could not be stored is not a success: a full disk ends it as
 * `disk_full` (naming the disk, not retried), another store failure as `transcript_failed`.
 */
export function transcriptVerdict(outcome: AgentOutcome, stored: TranscriptSummary): AgentOutcome {
  if (!stored.error) return outcome;
  if (stored.diskFull && !KEEP.has(outcome.class))
    return { ...outcome, class: 'disk_full', retryable: false, message: stored.error };
  if (outcome.class !== 'success') return outcome;
  return {
    ...outcome,
    class: 'transcript_failed',
    retryable: true,
    message: `The transcript could not be stored: ${stored.error}`,
  };
}
