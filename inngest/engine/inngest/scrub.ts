/**
 * What the Inngest SDK answers when a function or step throws: serialized errors
 * (`{ name, message, stack, __serialized }`), at the top of the body or inside step ops. Their
 * stacks and messages name the server's files by absolute path. The server logs them in full; the
 * responses keep only the name and a message whose paths are cut to their last segment.
 */

/**
 * An absolute path of at least two segments (`/srv/app/x.ts`, `file:///srv/app/x.ts`), where a
 * path can start: not inside a URL (`http://host/a/b`) or a word.
 */
const ABSOLUTE_PATH =
  /(?<![\w.~/-])(?:file:\/\/)?\/(?:[^\s/'"`()<>[\]{},;:]+\/)+([^\s/'"`()<>[\]{},;:]*)/g;

/** `text` with every absolute path shortened to `…/<last segment>`. */
export function scrubPaths(text: string): string {
  return text.replace(ABSOLUTE_PATH, (_path, last: string) => `…/${last}`);
}

function isErrorLike(value: Record<string, unknown>): boolean {
  return typeof value.message === 'string' && typeof value.stack === 'string';
}

/**
 * A copy of a response body with every error-like object's stack emptied and the paths in its
 * message scrubbed; the rest of the data (step results) is left as it was.
 */
export function scrubErrors(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrubErrors);
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) out[k] = scrubErrors(v);
  if (isErrorLike(record)) {
    // The SDK's error schema wants a string; an empty stack is what it writes when there is none.
    out.stack = '';
    out.message = scrubPaths(record.message as string);
  }
  return out;
}
