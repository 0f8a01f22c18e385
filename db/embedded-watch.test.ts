import { describe, expect, it } from 'vitest';
import { watchEmbedded } from './embedded-watch.ts';

describe('the embedded Postgres watchdog', () => {
  it('restarts a dead cluster once and keeps watching', async () => {
    let up = true;
    let restarts = 0;
    const lines: string[] = [];
    const stop = watchEmbedded(
      { alive: () => up, restart: async () => void ((up = true), restarts++) },
      { intervalMs: 20, log: (l) => lines.push(l), onFatal: () => expect.fail('not fatal') },
    );
    up = false;
    await new Promise((r) => setTimeout(r, 120));
    stop();
    expect(restarts).toBe(1);
    expect(lines).toEqual([
      'embedded Postgres stopped unexpectedly; restarting it',
      'embedded Postgres restarted',
    ]);
  });

  it('reports a fatal error when the cluster cannot be brought back', async () => {
    let tries = 0;
    const fatal = await new Promise<Error>((resolve) => {
      watchEmbedded(
        {
          alive: () => false,
          restart: async () => {
            tries++;
            throw new Error('disk full');
          },
        },
        { intervalMs: 10, attempts: 2, log: () => {}, onFatal: resolve },
      );
    });
    expect(tries).toBe(2);
    expect(fatal.message).toBe('embedded Postgres died and could not be restarted: disk full');
  });
});
