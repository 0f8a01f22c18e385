import { describe, expect, it } from 'vitest';
import { applyEvent, applySnapshot, describeAgent } from '../../site/src/lib/live-apply.ts';
import type { LiveEvent, Scenario } from '../../site/src/lib/types.ts';

/** How the dashboard folds live events into a card: once per seq, as the pipeline folds them into the row. */
function draft(): Scenario {
  return {
    id: 's1',
    campaignId: 'c1',
    slug: 'a',
    title: 'A',
    request: 'r',
    complexity: 'simple',
    category: 'general',
    targetFormat: 'f',
    config: { planningIterations: 2, implementationIterations: 1, validationFixes: 2 },
    status: 'draft',
    phase: null,
    iteration: 0,
    progress: 0,
    currentRunId: null,
    costUsd: 0,
    lastAction: null,
    error: null,
    archived: false,
    eventSeq: 0,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    startedAt: null,
    finishedAt: null,
    deployedAt: null,
    totalCostUsd: 0,
    evidence: null,
  };
}
const ev = (seq: number, over: Partial<LiveEvent>): LiveEvent => ({
  seq,
  scenarioId: 's1',
  runId: 'r1',
  campaignId: 'c1',
  type: 'progress',
  phase: null,
  iteration: null,
  message: '',
  level: 'info',
  at: `2026-01-01T00:00:${String(seq).padStart(2, '0')}Z`,
  ...over,
});

describe('applyEvent', () => {
  it('follows a run from queued to deployed, each seq once, progress never backwards', () => {
    const s = draft();
    expect(applyEvent(s, ev(1, { type: 'status', status: 'queued', progress: 0 }))).toBe(true);
    expect(s).toMatchObject({
      status: 'queued',
      startedAt: '2026-01-01T00:00:01Z',
      currentRunId: 'r1',
    });
    applyEvent(
      s,
      ev(2, {
        type: 'agent',
        phase: 'planning',
        iteration: 1,
        message: 'Write plan.md',
        detail: { kind: 'tool_use', tool: 'Write', summary: 'plan.md' },
      }),
    );
    expect(s).toMatchObject({
      status: 'planning',
      phase: 'planning',
      iteration: 1,
      lastAction: 'Write plan.md',
    });
    applyEvent(s, ev(3, { phase: 'planning', progress: 30 }));
    expect(applyEvent(s, ev(3, { phase: 'planning', progress: 90 }))).toBe(false);
    applyEvent(s, ev(4, { phase: 'planning', progress: 20 }));
    expect(s.progress).toBe(30);
    applyEvent(
      s,
      ev(5, {
        type: 'agent',
        phase: 'implementing',
        detail: { kind: 'result', costUsd: 0.25 },
        message: 'session ended',
      }),
    );
    applyEvent(
      s,
      ev(6, {
        type: 'agent',
        phase: 'implementing',
        detail: { kind: 'result', costUsd: 0.5 },
        message: 'session ended',
      }),
    );
    expect(s.costUsd).toBe(0.75);
    applyEvent(s, ev(7, { type: 'status', status: 'deployed', progress: 100 }));
    expect(s).toMatchObject({
      status: 'deployed',
      progress: 100,
      finishedAt: '2026-01-01T00:00:07Z',
      deployedAt: '2026-01-01T00:00:07Z',
      eventSeq: 7,
    });
    // Late work of a finished run does not revive the card.
    applyEvent(s, ev(8, { type: 'agent', phase: 'validating', message: 'late' }));
    expect(s.status).toBe('deployed');
  });

  it('keeps the failure message of a failed run and starts over on the next run', () => {
    const s = draft();
    applyEvent(s, ev(1, { type: 'status', status: 'queued' }));
    applyEvent(
      s,
      ev(2, { type: 'status', status: 'failed', level: 'error', message: 'Run failed: invalid' }),
    );
    expect(s).toMatchObject({ status: 'failed', error: 'Run failed: invalid' });
    applyEvent(s, ev(3, { type: 'status', status: 'queued', runId: 'r2' }));
    expect(s).toMatchObject({
      status: 'queued',
      error: null,
      finishedAt: null,
      progress: 0,
      currentRunId: 'r2',
      startedAt: '2026-01-01T00:00:03Z',
    });
  });

  it('ignores other scenarios; snapshots apply only when not older', () => {
    const s = draft();
    expect(applyEvent(s, ev(1, { scenarioId: 'other', status: 'queued' }))).toBe(false);
    applyEvent(s, ev(5, { type: 'status', status: 'queued' }));
    expect(applySnapshot(s, { ...s, eventSeq: 4, status: 'draft' })).toBe(false);
    expect(applySnapshot(s, { ...s, eventSeq: 9, status: 'implementing', progress: 40 })).toBe(
      true,
    );
    expect(s).toMatchObject({ status: 'implementing', progress: 40, eventSeq: 9 });
  });

  it('describes agent events by the server message, else by tool and argument', () => {
    expect(describeAgent({ kind: 'tool_use', tool: 'Write', summary: 'src/a.ts' }, null)).toBe(
      'Write src/a.ts',
    );
    expect(
      describeAgent({ kind: 'tool_use', tool: 'Bash', input: { command: 'ls -la\nmore' } }, null),
    ).toBe('Bash ls -la');
    expect(describeAgent({ kind: 'text', text: 'first\nsecond' }, 'Server says hi\nmore')).toBe(
      'Server says hi',
    );
  });
});
