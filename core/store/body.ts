import { AppError } from '../errors.ts';
import type { ObjectBody } from './port.ts';

/** A Buffer view of bytes or UTF-8 text, without copying bytes. */
export function toBuffer(chunk: Uint8Array | string): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  return Buffer.isBuffer(chunk)
    ? chunk
    : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/**
 * Every form of ObjectBody as a stream of Buffers, read lazily: streams and async iterables are
 * never gathered in memory. A Readable with an encoding set yields strings, which are taken as
 * UTF-8; anything else that is not bytes is refused.
 */
export async function* bodyChunks(body: ObjectBody): AsyncGenerator<Buffer> {
  if (typeof body === 'string' || body instanceof Uint8Array) {
    yield toBuffer(body);
    return;
  }
  if (body === null || typeof body !== 'object' || !(Symbol.asyncIterator in body)) {
    throw new AppError(
      'bad_request',
      'Object body must be bytes, text, a Readable or an async iterable of bytes.',
    );
  }
  for await (const chunk of body as AsyncIterable<unknown>) {
    if (typeof chunk === 'string' || chunk instanceof Uint8Array) {
      yield toBuffer(chunk);
    } else {
      throw new AppError('bad_request', 'Object body stream yielded something other than bytes.');
    }
  }
}
