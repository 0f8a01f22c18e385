import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../core/log.ts';
import { inngestLogger } from './client.ts';

/** Inngest logs errors pino-style; they must reach our log with their message, not as `{}`. */
describe('the Inngest logger adapter', () => {
  it('keeps the message of Error objects in every calling style', () => {
    const lines: string[] = [];
    const log = inngestLogger(createLogger('debug', [], (l) => lines.push(l)));
    log.error(new Error('boom one'), 'step failed');
    log.error({ err: new Error('boom two'), fn: 'plan' }, 'function failed');
    log.warn('retrying', new Error('boom three'));
    log.error(new Error('boom four'));
    expect(lines).toHaveLength(4);
    for (const [i, n] of ['one', 'two', 'three', 'four'].entries())
      expect(lines[i]).toContain(`boom ${n}`);
    expect(lines.join('\n')).not.toContain('{}');
    expect(lines[1]).toContain('"fn":"plan"');
  });
});
