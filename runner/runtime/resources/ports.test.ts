import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { candidateRange, freeLoopbackPorts } from './ports.ts';

describe('free loopback ports for a scenario', () => {
  it('are distinct, below the ephemeral range, and free to bind', async () => {
    const [low, high] = candidateRange();
    expect(low).toBeGreaterThanOrEqual(1024);
    expect(high).toBeGreaterThan(low);
    const ports = await freeLoopbackPorts(8);
    expect(new Set(ports).size).toBe(8);
    for (const p of ports) {
      expect(p).toBeGreaterThanOrEqual(low);
      expect(p).toBeLessThan(high);
      const srv = net.createServer();
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(p, '127.0.0.1', () => resolve());
      });
      await new Promise((r) => srv.close(r));
    }
  });
});
