import { readFileSync } from 'node:fs';
import net from 'node:net';

/**
 * Free loopback ports for a scenario's `ports.<name>.env_var`. All are held open until every one
 * is chosen, so two variables never get the same port.
 *
 * They are chosen below the kernel's ephemeral range: a port from `listen(0)` comes from that
 * range, and between our closing it and the scenario binding it, any outgoing connection of this
 * busy process (Postgres, Redis, the model API) may take it as its source port, so the scenario
 * would fail to start for a reason of ours. Below the range only listeners compete.
 */
export async function freeLoopbackPorts(count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  const [low, high] = candidateRange();
  try {
    const ports: number[] = [];
    for (let tries = 0; ports.length < count; tries++) {
      // After many taken ports (a crowded range), let the kernel choose.
      const wanted = tries < 200 ? low + Math.floor(Math.random() * (high - low)) : 0;
      const srv = net.createServer();
      const port = await bind(srv, wanted);
      if (port === undefined) continue;
      servers.push(srv);
      ports.push(port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }
}

function bind(srv: net.Server, port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    srv.once('error', () => resolve(undefined));
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      const addr = srv.address();
      resolve(typeof addr === 'object' && addr ? addr.port : undefined);
    });
  });
}

/** [low, high): unprivileged ports below the ephemeral range (Linux; 20000–32768 elsewhere). */
export function candidateRange(): [number, number] {
  let ephemeralLow = 32768;
  try {
    const [lo] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    if (lo && Number.isInteger(lo)) ephemeralLow = lo;
  } catch {
    // Not Linux: keep the common default.
  }
  const high = Math.max(2048, ephemeralLow);
  return [Math.max(1024, Math.min(20000, high - 4096)), high];
}
