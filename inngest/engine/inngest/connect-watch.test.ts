import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../../core/log.ts';
import { watchConnect, type ConnectWatch } from './connect-watch.ts';

/**
 * The watch sees the SDK's connect attempts through Node's fetch/WebSocket diagnostics channels.
 * Here the same requests the SDK makes (the start POST, the WebSocket upgrade with its protocol)
 * go to a real local server that refuses them in the ways a broken deployment does.
 */
let server: Server | undefined;
let watch: ConnectWatch | undefined;
afterEach(async () => {
  watch?.stop();
  if (server) await new Promise((r) => server!.close(r));
  server = undefined;
});

function recorder(): Logger & { warns: string[] } {
  const warns: string[] = [];
  const none = () => {};
  return { warns, debug: none, info: none, error: none, warn: (m) => warns.push(m) };
}

async function serve(status: number): Promise<string> {
  server = createServer((_req, res) => res.writeHead(status).end('no'));
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const start = (api: string) => fetch(`${api}/v0/connect/start`, { method: 'POST' }).catch(() => {});
const upgrade = (ws: string) =>
  new Promise<void>((r) => {
    const s = new WebSocket(ws, ['v0.connect.inngest.com']);
    s.onclose = () => r();
  });

describe('watchConnect', () => {
  it('counts start requests, names the HTTP status, warns once per period', async () => {
    const api = await serve(500);
    const log = recorder();
    watch = watchConnect({ log, apiUrl: api, isActive: () => false, warnEveryMs: 60_000 });
    await start(api);
    await start(api);
    await fetch(`${api}/other`).catch(() => {}); // not an attempt
    expect(log.warns).toHaveLength(1);
    expect(log.warns[0]).toContain(`not connected to the Inngest server at ${api}`);
    expect(log.warns[0]).toContain('1 attempt(s) so far');
    expect(log.warns[0]).toContain(`the API answered HTTP 500 to ${api}/v0/connect/start`);
    expect(watch.status()).toEqual({
      connected: false,
      detail: expect.stringContaining(`not connected to ${api}: 2 attempt(s)`) as unknown,
    });
  });

  it('names the gateway and why its WebSocket upgrade failed', async () => {
    const gw = await serve(502);
    const ws = `${gw.replace('http:', 'ws:')}/v0/connect`;
    const log = recorder();
    watch = watchConnect({ log, apiUrl: 'http://127.0.0.1:1', isActive: () => false });
    await upgrade(ws);
    expect(watch.status().detail).toContain(`(gateway ${ws})`);
    expect(watch.status().detail).toContain('the gateway answered HTTP 502');
    expect(log.warns).toHaveLength(1);
  });

  it('is connected once told so and the SDK says active; then nothing is warned', async () => {
    const api = await serve(500);
    const log = recorder();
    let active = false;
    watch = watchConnect({ log, apiUrl: api, isActive: () => active });
    watch.connected('conn-1');
    active = true;
    await start(api);
    expect(watch.status()).toEqual({ connected: true, detail: `connected to ${api} as conn-1` });
    expect(log.warns).toEqual([]);
  });
});
