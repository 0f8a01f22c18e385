import { redactText } from './secrets/redact.ts';

/**
 * A small leveled logger writing one line per entry to stderr. Values listed as secrets are
 * replaced by `[redacted]`, and credentials in URLs masked, before anything is written.
 */
export type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, data?: Record<string, unknown>): void;
  info(msg: string, data?: Record<string, unknown>): void;
  warn(msg: string, data?: Record<string, unknown>): void;
  error(msg: string, data?: Record<string, unknown>): void;
}

export function createLogger(
  level: Level = 'info',
  secrets: string[] = [],
  write: (line: string) => void = (l) => process.stderr.write(l + '\n'),
): Logger {
  const redact = (s: string) => redactText(s, secrets);
  const emit = (l: Level) => (msg: string, data?: Record<string, unknown>) => {
    if (ORDER[l] < ORDER[level]) return;
    const fields = data instanceof Error ? { error: data } : data;
    const extra =
      fields && Object.keys(fields).length ? ' ' + JSON.stringify(fields, errorsAsText) : '';
    write(redact(`${new Date().toISOString()} ${l.padEnd(5)} ${msg}${extra}`));
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/** JSON.stringify writes an Error as `{}`: log its name and message instead (stacks stay out). */
function errorsAsText(_key: string, value: unknown): unknown {
  return value instanceof Error ? `${value.name}: ${value.message}` : value;
}
