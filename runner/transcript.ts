import { PassThrough } from 'node:stream';
import { isDiskFull } from '../core/disk-full.ts';
import type { ObjectInfo, ObjectStore } from '../core/store/port.ts';

/**
 * Streams a session's raw output lines into the object store as they arrive, up to a byte cap.
 * Past the cap it appends one explicit truncation marker line and stores nothing more, so memory
 * use is bounded by the cap however long the session runs.
 */
export interface TranscriptWriter {
  /** Appends one line (already redacted). */
  line(text: string): void;
  /** Ends the object; resolves with what was stored (never rejects: a store failure is reported). */
  close(): Promise<TranscriptSummary>;
}

export interface TranscriptSummary {
  key: string;
  /** Bytes stored, marker included. */
  bytes: number;
  truncated: boolean;
  /** Lines seen in all (stored or not). */
  lines: number;
  /** Set when the store failed; the transcript is then not available. */
  error?: string;
  /** Set when the store failed because its disk is full (ENOSPC/EDQUOT). */
  diskFull?: boolean;
}

/** Key of a session's transcript. */
export function transcriptKey(sessionId: string): string {
  return `transcripts/${sessionId}.jsonl`;
}

export function openTranscript(
  store: ObjectStore,
  key: string,
  capBytes: number,
): TranscriptWriter {
  const pass = new PassThrough();
  let error: string | undefined;
  let diskFull = false;
  const put: Promise<ObjectInfo | undefined> = store
    .put(key, pass, { contentType: 'application/x-ndjson' })
    .catch((e: unknown) => {
      error = e instanceof Error ? e.message : String(e);
      diskFull = isDiskFull(e);
      pass.resume(); // keep draining so writers never block
      return undefined;
    });
  let bytes = 0;
  let lines = 0;
  let truncated = false;
  return {
    line(text) {
      lines++;
      if (truncated) return;
      const size = Buffer.byteLength(text) + 1;
      if (bytes + size <= capBytes) {
        pass.write(`${text}\n`);
        bytes += size;
        return;
      }
      truncated = true;
      const marker = `${JSON.stringify({ type: 'transcript_truncated', cap_bytes: capBytes, stored_bytes: bytes, note: 'output past the cap was not stored' })}\n`;
      pass.write(marker);
      bytes += Buffer.byteLength(marker);
    },
    async close() {
      pass.end();
      await put;
      return {
        key,
        bytes,
        truncated,
        lines,
        ...(error ? { error } : {}),
        ...(diskFull ? { diskFull } : {}),
      };
    },
  };
}
