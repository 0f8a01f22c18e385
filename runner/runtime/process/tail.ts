/** The last lines of a process's output, at most `maxBytes` of them: a step's evidence. */
export class Tail {
  readonly #max: number;
  #lines: string[] = [];
  #bytes = 0;
  #dropped = false;

  constructor(maxBytes: number) {
    this.#max = maxBytes;
  }

  push(line: string): void {
    const clipped = line.length > this.#max ? `${line.slice(0, this.#max)}…` : line;
    this.#lines.push(clipped);
    this.#bytes += Buffer.byteLength(clipped) + 1;
    while (this.#bytes > this.#max && this.#lines.length > 1) {
      this.#bytes -= Buffer.byteLength(this.#lines.shift()!) + 1;
      this.#dropped = true;
    }
  }

  /** The kept lines; a first line `…` says earlier output was dropped. */
  text(): string {
    return (this.#dropped ? ['…', ...this.#lines] : this.#lines).join('\n');
  }
}

/** Feeds chunks of a stream to `onLine` line by line; `end()` delivers a last partial line. */
export function lineSplitter(onLine: (line: string) => void): {
  push(chunk: string): void;
  end(): void;
} {
  let partial = '';
  return {
    push(chunk) {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) onLine(l.replace(/\r$/, ''));
    },
    end() {
      if (partial !== '') onLine(partial.replace(/\r$/, ''));
      partial = '';
    },
  };
}
