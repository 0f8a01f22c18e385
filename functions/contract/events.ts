import * as v from 'valibot';
import { LIVE_KINDS, LOG_LEVELS, SCENARIO_STATUSES } from '../../core/domain.ts';
import { int, items, queryInt, timestamp, uuid } from './common.ts';
import { Scenario } from './scenarios.ts';

/**
 * Live progress (Server-Sent Events, functions/routes/events.ts) and the scenario log it is made
 * of. Each SSE message's `event:` is a LiveEvent's `type`, or `snapshot`; `data:` is the JSON
 * below. `/api/scenarios/:id/events` sends a ScenarioStreamSnapshot first (SSE ids: sequence
 * numbers); `/api/events` a CampaignSnapshot (SSE ids: bus ids).
 */

/** A sequence number in the query or the Last-Event-ID header. */
export const seq = v.pipe(
  v.string(),
  v.regex(/^\d{1,15}$/, 'must be a sequence number'),
  v.transform(Number),
);

/** GET /api/scenarios/:id/events?after=SEQ (or Last-Event-ID). */
export const ScenarioEventsQuery = v.strictObject({ after: v.optional(seq) });

/** GET /api/events?campaign=ID (absent: every campaign the caller may see). */
export const EventsQuery = v.strictObject({ campaign: v.optional(uuid) });

/** GET /api/scenarios/:id/logs?after=SEQ&limit=N. */
export const ScenarioLogsQuery = v.strictObject({
  after: v.optional(queryInt(0, Number.MAX_SAFE_INTEGER)),
  limit: v.optional(queryInt(1, 5000)),
});

/** The agent's normalised event (runner/agent/port.ts), carried by `agent` events. */
export const AgentDetail = v.looseObject({
  kind: v.string(),
  text: v.optional(v.string()),
  tool: v.optional(v.string()),
  summary: v.optional(v.string()),
  input: v.optional(v.unknown()),
  isError: v.optional(v.boolean()),
  costUsd: v.optional(v.number()),
  turns: v.optional(int),
  subtype: v.optional(v.string()),
});
export type AgentDetail = v.InferOutput<typeof AgentDetail>;

/** One progress event: an entry of the scenario's log, as viewers receive it. */
export const LiveEvent = v.strictObject({
  /** The scenario's sequence number: viewers resume after the last one they saw. */
  seq: int,
  scenarioId: uuid,
  runId: v.nullable(uuid),
  campaignId: uuid,
  type: v.picklist(LIVE_KINDS),
  /** The pipeline phase the event belongs to (planning, implementing, validating, deploying). */
  phase: v.nullable(v.string()),
  iteration: v.nullable(int),
  progress: v.optional(v.number()),
  /** The scenario's new status, on `status` events. */
  status: v.optional(v.picklist(SCENARIO_STATUSES)),
  message: v.string(),
  costUsd: v.optional(v.number()),
  /** The scenario's cumulative cost after this event. */
  totalCostUsd: v.optional(v.number()),
  /** The scenario's new "last action", when the event sets one. */
  lastAction: v.optional(v.string()),
  level: v.picklist(LOG_LEVELS),
  at: timestamp,
  detail: v.optional(AgentDetail),
});
export type LiveEvent = v.InferOutput<typeof LiveEvent>;
export type LiveEventType = LiveEvent['type'];

/** GET /api/scenarios/:id/logs. */
export const LogList = items(LiveEvent);
export type LogList = v.InferOutput<typeof LogList>;

/** A card's live columns, as the campaign stream's snapshot sends them. */
export const ScenarioSnapshot = v.pick(Scenario, [
  'id',
  'campaignId',
  'status',
  'phase',
  'iteration',
  'progress',
  'lastAction',
  'costUsd',
  'eventSeq',
  'startedAt',
  'finishedAt',
  'error',
]);
export type ScenarioSnapshot = v.InferOutput<typeof ScenarioSnapshot>;

/** `snapshot` data of /api/events: every scenario's live columns. */
export const CampaignSnapshot = v.strictObject({ scenarios: v.array(ScenarioSnapshot) });
export type CampaignSnapshot = v.InferOutput<typeof CampaignSnapshot>;

/** `snapshot` data of /api/scenarios/:id/events: the scenario and its recent log. */
export const ScenarioStreamSnapshot = v.strictObject({
  scenario: Scenario,
  log: v.array(LiveEvent),
});
export type ScenarioStreamSnapshot = v.InferOutput<typeof ScenarioStreamSnapshot>;

/** `revoked`: the stream's session or token was revoked while it ran; the stream ends. */
export const StreamRevoked = v.strictObject({ detail: v.string() });
export type StreamRevoked = v.InferOutput<typeof StreamRevoked>;

/** One SSE message of either stream, by its `event:` name. */
export type StreamMessage =
  | { event: 'snapshot'; id?: string; data: CampaignSnapshot | ScenarioStreamSnapshot }
  | { event: LiveEventType; id?: string; data: LiveEvent }
  | { event: 'revoked'; data: StreamRevoked };
