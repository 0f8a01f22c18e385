/**
 * Regroups a body into parts of exactly `size` bytes except the last, which holds the rest (empty
 * for an empty body). A full part is held back until more data shows it is not the last, so
 * `last` is known without reading ahead more than one chunk; memory stays near one part.
 */
export async function* partsOf(
  chunks: AsyncIterable<Buffer>,
  size: number,
): AsyncGenerator<{ data: Buffer; last: boolean }> {
  let pending: Buffer[] = [];
  let total = 0;
  const joined = (): Buffer =>
    pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending, total);
  for await (const chunk of chunks) {
    pending.push(chunk);
    total += chunk.length;
    while (total > size) {
      const all = joined();
      yield { data: all.subarray(0, size), last: false };
      pending = [all.subarray(size)];
      total -= size;
    }
  }
  yield { data: joined(), last: true };
}
