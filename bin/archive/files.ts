import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Streaming file helpers for the archive: nothing here holds a whole file in memory, so an
 * archive may be far larger than the process's heap.
 */
export interface FileDigest {
  sha256: string;
  size: number;
  /** Newline bytes seen (the row count of a table file). */
  lines: number;
}

/** A hash-as-you-go sink that counts bytes and newlines. */
function digester() {
  const hash = createHash('sha256');
  const d = { size: 0, lines: 0 };
  return {
    update(chunk: Buffer) {
      hash.update(chunk);
      d.size += chunk.length;
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) d.lines++;
    },
    digest: (): FileDigest => ({ sha256: hash.digest('hex'), ...d }),
  };
}

/** Copies a stream to a file, hashing it on the way. */
export async function streamToFile(body: Readable, file: string): Promise<FileDigest> {
  const dig = digester();
  await pipeline(
    body,
    async function* (source: AsyncIterable<Buffer>) {
      for await (const chunk of source) {
        const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
        dig.update(b);
        yield b;
      }
    },
    createWriteStream(file),
  );
  return dig.digest();
}

/** Hashes a stream to its end. */
export async function digestStream(body: AsyncIterable<Buffer | Uint8Array>): Promise<FileDigest> {
  const dig = digester();
  for await (const chunk of body) dig.update(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return dig.digest();
}

export const digestFile = (file: string) => digestStream(createReadStream(file));

/** An append-only text file that hashes what it writes and honours back-pressure. */
export function textWriter(file: string) {
  const out = createWriteStream(file);
  const dig = digester();
  return {
    async write(text: string) {
      const b = Buffer.from(text, 'utf8');
      dig.update(b);
      if (!out.write(b)) await once(out, 'drain');
    },
    async close(): Promise<FileDigest> {
      out.end();
      await once(out, 'finish');
      return dig.digest();
    },
  };
}

/**
 * The lines of a file in batches of at most `rows` lines or about `bytes` bytes, read as a
 * stream (a table file is never read whole).
 */
export async function* lineBatches(
  file: string,
  rows = 500,
  bytes = 4 * 1024 * 1024,
): AsyncGenerator<string[]> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let batch: string[] = [];
  let size = 0;
  for await (const line of lines) {
    if (!line) continue;
    batch.push(line);
    size += line.length;
    if (batch.length >= rows || size >= bytes) {
      yield batch;
      batch = [];
      size = 0;
    }
  }
  if (batch.length) yield batch;
}
