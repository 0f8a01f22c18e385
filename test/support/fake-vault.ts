import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake of the one Vault route the app uses (KV v2 read): `GET /v1/{mount}/data/{path}` with
 * `X-Vault-Token`, answering `{ data: { data: {...} } }`, 403 for a wrong token and 404 for an
 * unknown secret, as Vault and OpenBao do. It listens on loopback and records each request's
 * path (never the token).
 */
export interface FakeVault {
  url: string;
  /** Paths requested, oldest first. */
  requests: string[];
  close(): Promise<void>;
}

export async function startFakeVault(
  token: string,
  secrets: Record<string, Record<string, unknown>>,
): Promise<FakeVault> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0]!;
    requests.push(path);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers['x-vault-token'] !== token) return send(403, { errors: ['permission denied'] });
    const m = /^\/v1\/([^/]+)\/data\/(.+)$/.exec(path);
    const data = req.method === 'GET' && m ? secrets[`${m[1]}/${m[2]}`] : undefined;
    if (!data) return send(404, { errors: [] });
    send(200, {
      request_id: 'fake',
      data: { data, metadata: { version: 1, destroyed: false } },
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
