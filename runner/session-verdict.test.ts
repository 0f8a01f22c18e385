import { describe, expect, it } from 'vitest';
import type { AgentOutcome } from './agent/port.ts';
import { transcriptVerdict } from './session.ts';

describe('transcriptVerdict', () => {
  it('a session whose transcript was not stored is not a success', () => {
    const ok = { class: 'success', retryable: false, message: 'done' } as AgentOutcome;
    const stored = { key: 'k', bytes: 0, truncated: false, lines: 3 };
    expect(transcriptVerdict(ok, stored)).toBe(ok);
    const full = transcriptVerdict(ok, { ...stored, error: 'Disk full: …', diskFull: true });
    expect([full.class, full.retryable, full.message]).toEqual([
      'disk_full',
      false,
      'Disk full: …',
    ]);
    const failed = transcriptVerdict(ok, { ...stored, error: 'store down' });
    expect([failed.class, failed.retryable]).toEqual(['transcript_failed', true]);
    const cancelled = { ...ok, class: 'cancelled' } as AgentOutcome;
    expect(transcriptVerdict(cancelled, { ...stored, error: 'x', diskFull: true })).toBe(cancelled);
  });
});
