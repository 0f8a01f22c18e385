import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from 'redis';

/**
 * A small REST shim of Upstash's Redis protocol in front of a real Redis, so that the Upstash
 * adapter runs against real streams and Lua in the tests. It covers exactly:
 *
 * - `POST /` with a JSON command array (`["XADD","k","*","p","v"]`): `{"result": …}` with 200, or
 *   `{"error": "…"}` with 400 when Redis answers with an error;
 * - `POST /pipeline` with an array of command arrays: one `{"result"}` or `{"error"}` per command,
 *   in order, with 200 (commands are sent back to back on one connection, not atomically);
 * - `Authorization: Bearer <token>`: anything else is refused with 401 `{"error":"Unauthorized"}`;
 * - `Upstash-Encoding: base64`: every string in a result (at any depth) is sent base64-encoded,
 *   except a bare `OK`, which the SDK keeps as it is;
 * - numbers, nulls and nested arrays as Redis's RESP2 replies give them.
 *
 * Not covered: `/multi-exec` (transactions), path-style commands (`GET /get/key`), `/subscribe`
 * streaming (SSE), read-your-writes sync tokens, and any command Redis itself refuses. Other
 * paths and methods answer 404 or 405. The server listens on loopback only.
 */
export interface UpstashShim {
  /** `http://127.0.0.1:<port>`: the REST URL to give the adapter. */
  url: string;
  token: string;
  /** HTTP requests answered so far (a pipeline counts once). */
  readonly requests: number;
  close(): Promise<void>;
}

type Reply = string | number | null | Reply[];

function encode(value: Reply, base64: boolean): Reply {
  if (Array.isArray(value)) return value.map((v) => encode(v, base64));
  if (typeof value === 'string' && base64 && value !== 'OK')
    return Buffer.from(value, 'utf8').toString('base64');
  return value;
}

async function body(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
}

const isCommand = (c: unknown): c is Array<string | number> =>
  Array.isArray(c) &&
  c.length > 0 &&
  c.every((a) => typeof a === 'string' || typeof a === 'number');

function send(res: ServerResponse, status: number, payload: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(payload));
}

/** Starts the shim on a free loopback port, forwarding to the Redis at `redisUrl`. */
export async function startUpstashShim(options: {
  redisUrl: string;
  token?: string;
}): Promise<UpstashShim> {
  const token = options.token ?? 'shim-token-0123456789';
  const redis = createClient({ url: options.redisUrl });
  redis.on('error', () => {});
  await redis.connect();
  let requests = 0;

  const run = async (command: Array<string | number>, base64: boolean) => {
    try {
      const result = (await redis.sendCommand(command.map(String))) as Reply;
      return { result: encode(result, base64) };
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
  };

  const server = createServer((req, res) => {
    requests++;
    void (async () => {
      if (req.headers.authorization !== `Bearer ${token}`)
        return send(res, 401, { error: 'Unauthorized' });
      if (req.method !== 'POST') return send(res, 405, { error: 'Method not allowed' });
      const base64 = req.headers['upstash-encoding'] === 'base64';
      const input = await body(req).catch(() => undefined);
      const path = (req.url ?? '/').replace(/\/+$/, '') || '/';
      if (path === '/') {
        if (!isCommand(input)) return send(res, 400, { error: 'ERR expected a command array' });
        const out = await run(input, base64);
        return send(res, 'error' in out ? 400 : 200, out);
      }
      if (path === '/pipeline') {
        if (!Array.isArray(input) || !input.every(isCommand))
          return send(res, 400, { error: 'ERR expected an array of command arrays' });
        // Issued in one tick, node-redis writes them back to back on the one connection.
        return send(res, 200, await Promise.all(input.map((c) => run(c, base64))));
      }
      send(res, 404, { error: `ERR ${path} is not covered by the shim` });
    })().catch((e: unknown) => send(res, 500, { error: String(e) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    get requests() {
      return requests;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await redis.close();
    },
  };
}
