import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { acceptWebSockets, type TinySocket } from './tiny-ws.ts';

/**
 * A fake of the two ends an Inngest SDK's connect() talks to, enough for its handshake only:
 * POST /v0/connect/start (protobuf StartRequest → StartResponse naming a gateway), then the
 * gateway's WebSocket: GATEWAY_HELLO → the worker's WORKER_CONNECT (recorded, decoded with the
 * SDK's own protobuf types) → GATEWAY_CONNECTION_READY; heartbeats are answered. sendStep()
 * sends one executor request (GATEWAY_EXECUTOR_REQUEST: the same JSON body the server would POST
 * to /api/inngest) and resolves with the worker's WORKER_REPLY, which it acknowledges.
 */
export interface WorkerConnect {
  connectionId: string;
  instanceId: string;
  maxWorkerConcurrency?: number;
  framework: string;
  apps: { appName: string; functionIds: string[] }[];
}

/** A worker's answer to an executor request (SDKResponse; body is the JSON the SDK returned). */
export interface StepReply {
  requestId: string;
  status: 'NOT_COMPLETED' | 'DONE' | 'ERROR';
  body: unknown;
}

export interface FakeGateway {
  url: string;
  /** Asks the connected worker to run function `functionSlug` for `event` (a first request). */
  sendStep(o: {
    functionSlug: string;
    event: { name: string; data: unknown };
    runId: string;
  }): Promise<StepReply>;
  starts: { contentType: string | undefined; excludeGateways: string[] }[];
  connects: WorkerConnect[];
  /** Kinds (GatewayMessageType names) of every message a worker sent over the WebSocket. */
  received: string[];
  /** Resolves when a worker's WebSocket closes. */
  closed: Promise<void>;
  close(): Promise<void>;
}

// The SDK's generated protobuf codecs (not part of its typed exports).
interface Codec {
  encode(m: unknown): { finish(): Uint8Array };
  decode(b: Uint8Array): Record<string, unknown>;
  create(m: unknown): unknown;
}
type Proto = Record<
  | 'ConnectMessage'
  | 'StartRequest'
  | 'StartResponse'
  | 'WorkerConnectRequestData'
  | 'GatewayConnectionReadyData'
  | 'GatewayExecutorRequestData'
  | 'SDKResponse'
  | 'WorkerReplyAckData',
  Codec
> & {
  GatewayMessageType: Record<string, number>;
  gatewayMessageTypeToJSON(k: number): string;
};
const PROTO = '../../node_modules/inngest/proto/src/components/connect/protobuf/connect.js';

/**
 * `advertise`: the gateway URL the start response names (default: this fake's own); `port`: where
 * to listen (default: any free port).
 */
export async function startFakeGateway(
  o: { advertise?: string; port?: number } = {},
): Promise<FakeGateway> {
  const p = (await import(PROTO)) as Proto;
  const T = p.GatewayMessageType;
  const starts: FakeGateway['starts'] = [];
  const connects: WorkerConnect[] = [];
  const received: string[] = [];
  const waiting = new Map<string, (r: StepReply) => void>();
  let active: TinySocket | undefined;
  let onClosed!: () => void;
  const closed = new Promise<void>((r) => (onClosed = r));
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v0/connect/start') {
        res.writeHead(404).end();
        return;
      }
      const start = p.StartRequest.decode(new Uint8Array(Buffer.concat(chunks)));
      starts.push({
        contentType: req.headers['content-type'],
        excludeGateways: start.excludeGateways as string[],
      });
      const { port } = server.address() as AddressInfo;
      const body = p.StartResponse.encode({
        connectionId: `conn-${starts.length}`,
        gatewayEndpoint: o.advertise ?? `ws://127.0.0.1:${port}/v0/connect`,
        gatewayGroup: 'fake',
        sessionToken: 'session',
        syncToken: 'sync',
      }).finish();
      res.writeHead(200, { 'content-type': 'application/protobuf' }).end(Buffer.from(body));
    });
  });
  const send = (ws: TinySocket, kind: number, payload: Uint8Array = new Uint8Array(0)) =>
    ws.send(p.ConnectMessage.encode({ kind, payload }).finish());
  const sockets = acceptWebSockets(server, '/v0/connect', (ws) => {
    ws.onClose(() => onClosed());
    ws.onMessage((data) => {
      const msg = p.ConnectMessage.decode(new Uint8Array(data));
      const kind = msg.kind as number;
      received.push(p.gatewayMessageTypeToJSON(kind));
      if (kind === T.WORKER_CONNECT) {
        const c = p.WorkerConnectRequestData.decode(msg.payload as Uint8Array);
        connects.push({
          connectionId: c.connectionId as string,
          instanceId: c.instanceId as string,
          ...(c.maxWorkerConcurrency !== undefined
            ? { maxWorkerConcurrency: Number(c.maxWorkerConcurrency) }
            : {}),
          framework: c.framework as string,
          apps: (c.apps as { appName: string; functions: Uint8Array }[]).map((a) => ({
            appName: a.appName,
            functionIds: (
              JSON.parse(new TextDecoder().decode(a.functions)) as { id: string }[]
            ).map((f) => f.id),
          })),
        });
        const ready = p.GatewayConnectionReadyData.encode({
          heartbeatInterval: '10s',
          extendLeaseInterval: '5s',
        }).finish();
        send(ws, T.GATEWAY_CONNECTION_READY!, ready);
      } else if (kind === T.WORKER_HEARTBEAT) {
        send(ws, T.GATEWAY_HEARTBEAT!);
      } else if (kind === T.WORKER_READY) {
        active = ws;
      } else if (kind === T.WORKER_REPLY) {
        const r = p.SDKResponse.decode(msg.payload as Uint8Array);
        const requestId = r.requestId as string;
        send(
          ws,
          T.WORKER_REPLY_ACK!,
          p.WorkerReplyAckData.encode(p.WorkerReplyAckData.create({ requestId })).finish(),
        );
        waiting.get(requestId)?.({
          requestId,
          status: (['NOT_COMPLETED', 'DONE', 'ERROR'] as const)[r.status as number] ?? 'ERROR',
          body: JSON.parse(new TextDecoder().decode(r.body as Uint8Array)) as unknown,
        });
        waiting.delete(requestId);
      }
    });
    send(ws, T.GATEWAY_HELLO!);
  });
  await new Promise<void>((r) => server.listen(o.port ?? 0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    starts,
    connects,
    received,
    closed,
    sendStep({ functionSlug, event, runId }) {
      if (!active) return Promise.reject(new Error('no worker is connected and ready'));
      const requestId = `req-${waiting.size + 1}-${Date.now()}`;
      const payload = {
        version: 1,
        event: { ...event, id: requestId, ts: Date.now() },
        events: [{ ...event, id: requestId, ts: Date.now() }],
        steps: {},
        ctx: { run_id: runId, attempt: 0, stack: { stack: [], current: 0 } },
      };
      const reply = new Promise<StepReply>((r) => waiting.set(requestId, r));
      const request = p.GatewayExecutorRequestData.encode(
        p.GatewayExecutorRequestData.create({
          requestId,
          accountId: 'account',
          envId: 'env',
          appId: 'app-uuid',
          appName: 'scenario-generator',
          functionSlug,
          requestPayload: new TextEncoder().encode(JSON.stringify(payload)),
          runId,
          leaseId: 'lease-1',
        }),
      ).finish();
      send(active, T.GATEWAY_EXECUTOR_REQUEST!, request);
      return reply;
    },
    async close() {
      for (const c of sockets) c.terminate();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
