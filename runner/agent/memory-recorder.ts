import type {
  InteractionFinish,
  InteractionRecorder,
  InteractionStart,
  RunningInteraction,
} from './recorder.ts';

/** One recorded interaction, as the in-memory recorder keeps it. */
export interface MemoryInteraction extends InteractionStart {
  status: 'running' | 'finished';
  pid: number | null;
  finish?: InteractionFinish;
}

/** An in-memory InteractionRecorder (tests, database-less tools). */
export function createMemoryRecorder(): InteractionRecorder & {
  rows: Map<string, MemoryInteraction>;
} {
  const rows = new Map<string, MemoryInteraction>();
  const get = (id: string): MemoryInteraction => {
    const row = rows.get(id);
    if (!row) throw new Error(`No interaction ${id}`);
    return row;
  };
  return {
    rows,
    async start(row) {
      if (rows.has(row.sessionId)) throw new Error(`Interaction ${row.sessionId} exists`);
      rows.set(row.sessionId, { ...row, status: 'running', pid: null });
    },
    async setPid(id, pid) {
      get(id).pid = pid;
    },
    async finish(id, fields) {
      const row = get(id);
      row.status = 'finished';
      row.finish = fields;
    },
    async listRunning(runnerId): Promise<RunningInteraction[]> {
      return [...rows.values()]
        .filter((r) => r.status === 'running' && r.runnerId === runnerId)
        .map((r) => ({ sessionId: r.sessionId, pid: r.pid, runnerId: r.runnerId ?? null }));
    },
    async markCrashed(id, message) {
      const row = rows.get(id);
      if (!row || row.status !== 'running') return;
      row.status = 'finished';
      row.finish = {
        outcome: 'crashed',
        outcomeDetail: { message, retryable: true },
        turns: 0,
        usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheCreationTokens: 0 },
        costUsd: 0,
        durationMs: 0,
        permissionDenials: [],
        transcriptBytes: 0,
        transcriptTruncated: false,
      };
    },
  };
}
