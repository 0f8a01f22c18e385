import { Hono } from 'hono';
import type { GenericSchema } from 'valibot';
import { compareEventIds, isEventId } from '../../core/bus/port.ts';
import {
  ALL_TOPIC,
  campaignTopic,
  scenarioTopic,
  toLiveEvent,
  type LiveEvent,
} from '../../db/progress.ts';
import { getCampaign } from '../../db/campaigns.ts';
import { listLogs } from '../../db/logs.ts';
import { getScenario, listScenarios } from '../../db/scenarios.ts';
import {
  CampaignSnapshot,
  EventsQuery,
  LiveEvent as LiveEventOut,
  ScenarioEventsQuery,
  ScenarioStreamSnapshot,
  seq as seqSchema,
  StreamRevoked,
  type StreamMessage,
} from '../contract/events.ts';
import type { AppDeps, AppEnv } from '../deps.ts';
import { parseInput, readId, readQuery } from '../input.ts';
import { route } from '../openapi/route-spec.ts';
import type { EncodesTo, Expect } from '../reply.ts';
import { liveStream } from '../sse.ts';

/**
 * Live progress over Server-Sent Events.
 * - `/api/scenarios/:id/events`: SSE ids are the scenario's sequence numbers. A reconnecting
 *   viewer (Last-Event-ID, or `?after=`) gets what it missed from the bus's replay buffer, and
 *   first from Postgres for whatever the buffer no longer holds; a new viewer first gets a
 *   `snapshot` (the scenario and its recent log).
 * - `/api/events?campaign=`: SSE ids are bus ids of the campaign's topic; a new viewer, or one
 *   whose gap the buffer cannot fill, first gets a `snapshot` of the campaign's scenarios.
 */
const stream = (description: string, snapshot: GenericSchema) => ({
  media: 'text/event-stream',
  description,
  events: {
    snapshot,
    progress: LiveEventOut,
    agent: LiveEventOut,
    log: LiveEventOut,
    status: LiveEventOut,
    revoked: StreamRevoked,
  },
});

/** What each route takes and answers (GET /api/openapi.json). */
export const eventApi = [
  route('get', '/api/events', 'Live progress of every scenario (of a campaign)', {
    query: EventsQuery,
    responses: { 200: stream('Server-Sent Events; ids are bus ids', CampaignSnapshot) },
  }),
  route('get', '/api/scenarios/:id/events', 'Live progress of one scenario', {
    query: ScenarioEventsQuery,
    responses: {
      200: stream('Server-Sent Events; ids are sequence numbers', ScenarioStreamSnapshot),
    },
  }),
];

/** What the bus carries (db/progress.ts) is what the contract promises viewers. */
export type BusPayloadIsContract = Expect<EncodesTo<LiveEvent, LiveEventOut>>;

export function eventRoutes(deps: Pick<AppDeps, 'sql' | 'bus' | 'config'>): Hono<AppEnv> {
  const { sql, bus } = deps;
  const heartbeat = deps.config.SSE_HEARTBEAT;
  const app = new Hono<AppEnv>();

  app.get('/scenarios/:id/events', async (c) => {
    const id = readId(c);
    const q = readQuery(c, ScenarioEventsQuery);
    const header = c.req.header('last-event-id');
    const after =
      header !== undefined ? parseInput(seqSchema, header, 'headers.last-event-id') : q.after;
    const scenario = await getScenario(sql, id);
    const topic = scenarioTopic(id);
    return liveStream<LiveEvent, StreamMessage>(c, bus, heartbeat, {
      topic,
      keyOf: (e) => String(e.payload.seq),
      compare: (a, b) => Number(a) - Number(b),
      idOf: (e) => String(e.payload.seq),
      eventName: (e) => e.payload.type,
      async catchUp(send) {
        if (after === undefined) {
          const recent = await listLogs(sql, id, {
            afterSeq: Math.max(0, scenario.eventSeq - 200),
            limit: 200,
          });
          const lastSeq = recent.at(-1)?.seq ?? scenario.eventSeq;
          await send({
            event: 'snapshot',
            id: String(lastSeq),
            data: { scenario, log: recent.map(toLiveEvent) },
          });
          return String(lastSeq);
        }
        const retained = (await bus.replay<LiveEvent>(topic)).events.filter(
          (e) => e.payload.seq > after,
        );
        // Undefined when the buffer holds nothing newer (e.g. after a restart): no upper bound.
        const firstRetained = retained[0]?.payload.seq;
        const page = (afterSeq: number) =>
          listLogs(sql, id, {
            afterSeq,
            ...(firstRetained === undefined ? {} : { beforeSeq: firstRetained }),
            limit: 1000,
          });
        let last = after;
        if (firstRetained === undefined || firstRetained > after + 1) {
          // The buffer does not reach back far enough: fill the gap from the durable log.
          for (let rows = await page(last); rows.length; rows = await page(last)) {
            for (const entry of rows) {
              const ev = toLiveEvent(entry);
              await send({ event: ev.type, id: String(ev.seq), data: ev });
              last = ev.seq;
            }
          }
        }
        for (const e of retained) {
          if (e.payload.seq <= last) continue;
          await send({ event: e.payload.type, id: String(e.payload.seq), data: e.payload });
          last = e.payload.seq;
        }
        return String(last);
      },
    });
  });

  app.get('/events', async (c) => {
    const q = readQuery(c, EventsQuery);
    if (q.campaign) await getCampaign(sql, q.campaign);
    const header = c.req.header('last-event-id');
    const afterId = header && isEventId(header) ? header : undefined;
    const topic = q.campaign ? campaignTopic(q.campaign) : ALL_TOPIC;
    const snapshot = async () => {
      const page = await listScenarios(sql, {
        campaignId: q.campaign,
        limit: 1000,
        archived: false,
      });
      return page.items.map((s) => ({
        id: s.id,
        campaignId: s.campaignId,
        status: s.status,
        phase: s.phase,
        iteration: s.iteration,
        progress: s.progress,
        lastAction: s.lastAction,
        costUsd: s.costUsd,
        eventSeq: s.eventSeq,
        startedAt: s.startedAt,
        finishedAt: s.finishedAt,
        error: s.error,
      }));
    };
    return liveStream<LiveEvent, StreamMessage>(c, bus, heartbeat, {
      topic,
      keyOf: (e) => e.id,
      compare: compareEventIds,
      idOf: (e) => e.id,
      eventName: (e) => e.payload.type,
      async catchUp(send) {
        const r = await bus.replay<LiveEvent>(topic, afterId);
        if (!afterId || r.gap)
          await send({ event: 'snapshot', data: { scenarios: await snapshot() } });
        let last = afterId;
        for (const e of afterId ? r.events : []) {
          await send({ event: e.payload.type, id: e.id, data: e.payload });
          last = e.id;
        }
        // A new viewer starts from "now": the newest retained id, so nothing is sent twice.
        return last ?? r.events.at(-1)?.id;
      },
    });
  });
  return app;
}
