import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake server received. */
export interface Received {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: unknown;
}

/**
 * A stand-in for an Inngest server's API on loopback, for tests: it answers the registration
 * endpoint (`POST /fn/register`, where a sync PUT sends the app's function configuration) and the
 * event endpoint (`POST /e/<event key>`), and records every request.
 */
export interface FakeInngest {
  url: string;
  received: Received[];
  registrations(): Received[];
  events(): Array<{ key: string; events: Array<{ name: string; data: unknown; id?: string }> }>;
  close(): Promise<void>;
}

export async function startFakeInngest(): Promise<FakeInngest> {
  const received: Received[] = [];
  let n = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        // keep the raw text
      }
      received.push({
        method: req.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body,
      });
      res.setHeader('content-type', 'application/json');
      if (req.method === 'POST' && url.pathname === '/fn/register') {
        res.end(JSON.stringify({ ok: true, modified: true }));
      } else if (req.method === 'POST' && url.pathname.startsWith('/e/')) {
        const list = Array.isArray(body) ? body : [body];
        res.end(JSON.stringify({ ids: list.map(() => `evt-${++n}`), status: 200 }));
      } else {
        res.statusCode = 404;
        res.end(JSON.stringify({ error: `no fake route ${req.method} ${url.pathname}` }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    registrations: () => received.filter((r) => r.path === '/fn/register'),
    events: () =>
      received
        .filter((r) => r.path.startsWith('/e/'))
        .map((r) => ({
          key: decodeURIComponent(r.path.slice(3)),
          events: r.body as Array<{ name: string; data: unknown; id?: string }>,
        })),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
