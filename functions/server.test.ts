import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { listen } from './server.ts';

describe('listen', () => {
  it('says which setting to change when the port is taken', async () => {
    const first = await listen(new Hono(), '127.0.0.1', 0);
    try {
      await expect(listen(new Hono(), '127.0.0.1', first.port)).rejects.toThrow(
        `Invalid setting PORT=${first.port}: the port is in use on 127.0.0.1`,
      );
    } finally {
      await first.close();
    }
  });
});
