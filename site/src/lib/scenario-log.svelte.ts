import { describeAgent } from './live-apply.ts';
import type { LiveEvent } from './types.ts';

/** One line of a scenario's live log. */
export type LogEntry = Pick<
  LiveEvent,
  'seq' | 'type' | 'level' | 'at' | 'phase' | 'iteration' | 'runId' | 'message' | 'detail'
>;

const MAX_LOG = 5000;

/**
 * A scenario's live log, ordered by seq, each seq once. Lines added together (a stream's batch,
 * a snapshot, a backfill) are merged into the list once.
 */
export class ScenarioLog {
  entries = $state.raw<LogEntry[]>([]);
  /** Lines dropped from the front to keep the page light. */
  dropped = $state(0);
  #seen = new Set<number>();
  #pending: LogEntry[] = [];
  #scheduled = false;

  add(ev: LiveEvent): void {
    if (typeof ev.seq !== 'number' || this.#seen.has(ev.seq)) return;
    this.#seen.add(ev.seq);
    this.#pending.push({
      seq: ev.seq,
      type: ev.type,
      level: ev.level ?? 'info',
      at: ev.at,
      phase: ev.phase,
      iteration: ev.iteration,
      runId: ev.runId,
      message: ev.message || (ev.type === 'agent' ? describeAgent(ev.detail, null) : ''),
      ...(ev.detail ? { detail: ev.detail } : {}),
    });
    if (!this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(() => this.#flush());
    }
  }

  #flush(): void {
    this.#scheduled = false;
    const batch = this.#pending.splice(0);
    if (!batch.length) return;
    const last = this.entries.at(-1)?.seq ?? -Infinity;
    let next = batch.every((e, i) => e.seq > (i ? batch[i - 1]!.seq : last))
      ? this.entries.concat(batch)
      : [...this.entries, ...batch].sort((a, b) => a.seq - b.seq);
    if (next.length > MAX_LOG) {
      this.dropped += next.length - MAX_LOG;
      next = next.slice(next.length - MAX_LOG);
    }
    this.entries = next;
  }

  /** The lowest sequence number shown (or held back), for filling in what came before. */
  get firstSeq(): number | null {
    let min: number | null = this.entries[0]?.seq ?? null;
    for (const e of this.#pending) if (min === null || e.seq < min) min = e.seq;
    return min;
  }

  clear(): void {
    this.entries = [];
    this.dropped = 0;
    this.#seen.clear();
    this.#pending = [];
  }
}
