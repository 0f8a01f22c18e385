/**
 * Splits a byte stream into lines without ever holding more than one capped line: a line longer
 * than `maxLineBytes` is cut at the cap (the rest discarded until its newline) and reported as
 * truncated. Works on Buffers so multi-byte characters split across chunks stay intact.
 */
export interface SplitLine {
  text: string;
  /** True when the line was longer than the cap and `text` holds only its first bytes. */
  truncated: boolean;
  /** The line's full length in bytes (without the newline). */
  bytes: number;
}

const NL = 0x0a;

export class LineSplitter {
  private readonly onLine: (line: SplitLine) => void;
  private readonly maxLineBytes: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes of the current line seen beyond the cap (discarded). */
  private dropped = 0;

  constructor(onLine: (line: SplitLine) => void, maxLineBytes: number) {
    if (!(maxLineBytes > 0)) throw new RangeError('maxLineBytes must be positive');
    this.onLine = onLine;
    this.maxLineBytes = maxLineBytes;
  }

  push(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(NL, start);
      const end = nl === -1 ? chunk.length : nl;
      if (
        nl !== -1 &&
        this.pendingBytes === 0 &&
        this.dropped === 0 &&
        end - start <= this.maxLineBytes
      ) {
        // Fast path: a whole line inside one chunk.
        this.emit(chunk.toString('utf8', start, end), false, end - start);
      } else {
        this.keep(chunk.subarray(start, end));
        if (nl !== -1) this.flush();
      }
      if (nl === -1) break;
      start = nl + 1;
    }
  }

  /** Emits a final line that had no newline. */
  end(): void {
    if (this.pendingBytes > 0 || this.dropped > 0) this.flush();
  }

  private keep(part: Buffer): void {
    const room = this.maxLineBytes - this.pendingBytes;
    if (part.length <= room) {
      if (part.length > 0) this.pending.push(Buffer.from(part));
      this.pendingBytes += part.length;
      return;
    }
    if (room > 0) {
      this.pending.push(Buffer.from(part.subarray(0, room)));
      this.pendingBytes += room;
    }
    this.dropped += part.length - Math.max(room, 0);
  }

  private flush(): void {
    const buf =
      this.pending.length === 1
        ? (this.pending[0] as Buffer)
        : Buffer.concat(this.pending, this.pendingBytes);
    const truncated = this.dropped > 0;
    const bytes = this.pendingBytes + this.dropped;
    this.pending = [];
    this.pendingBytes = 0;
    this.dropped = 0;
    this.emit(buf.toString('utf8'), truncated, bytes);
  }

  private emit(text: string, truncated: boolean, bytes: number): void {
    const t = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (t.length === 0 && !truncated) return;
    this.onLine({ text: t, truncated, bytes });
  }
}
