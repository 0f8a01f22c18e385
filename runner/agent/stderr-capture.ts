import type { Readable } from 'node:stream';
import type { AgentEvent } from './port.ts';
import { LineSplitter } from './line-splitter.ts';

/** How much of a CLI's stderr is kept for the outcome's message. */
const STDERR_HEAD_BYTES = 16 * 1024;
/** How many stderr lines become `stderr` events (the rest only count as activity). */
const STDERR_EVENT_LINES = 200;

/**
 * A CLI's stderr as both agents' adapters read it: its first lines as `stderr` events, its first
 * 16 KB kept for the outcome, and every chunk counted as activity (for the idle timeout).
 */
export function captureStderr(
  stderr: Readable | null | undefined,
  onEvent: (e: AgentEvent) => void,
  onActivity: () => void,
): { head(): string; end(): void } {
  let head = '';
  let lines = 0;
  const splitter = new LineSplitter((line) => {
    if (++lines <= STDERR_EVENT_LINES) onEvent({ kind: 'stderr', text: line.text });
  }, 64 * 1024);
  stderr?.on('data', (chunk: Buffer) => {
    onActivity();
    if (head.length < STDERR_HEAD_BYTES)
      head += chunk.toString('utf8', 0, Math.min(chunk.length, STDERR_HEAD_BYTES));
    splitter.push(chunk);
  });
  return { head: () => head, end: () => splitter.end() };
}
