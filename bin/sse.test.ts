import { describe, expect, it } from 'vitest';
import { takeSseMessages } from './sse.ts';

describe('takeSseMessages', () => {
  it('parses complete blocks, keeps a partial one, and marks heartbeats', () => {
    const first = takeSseMessages(
      'event: progress\nid: 7\ndata: {"seq":7}\n\n: heartbeat 1\n\nevent: ag',
    );
    expect(first.messages).toEqual([
      { event: 'progress', id: '7', data: { seq: 7 } },
      { event: 'comment', comment: 'heartbeat 1' },
    ]);
    expect(first.rest).toBe('event: ag');
    const second = takeSseMessages(first.rest + 'ent\ndata: {"a":\ndata: 1}\n\n');
    expect(second.messages).toEqual([{ event: 'agent', data: { a: 1 } }]);
    expect(second.rest).toBe('');
  });
});
