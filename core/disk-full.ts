import { AppError } from './errors.ts';

/**
 * A full disk (ENOSPC) or an exhausted quota (EDQUOT) where the app writes its data: transcripts,
 * workspaces, bundles. It is reported as its own failure class, `disk_full`, naming the disk and
 * DATA_DIR, instead of whatever the next step trips over (an empty bundle, a missing transcript).
 */
const FULL_CODES = new Set(['ENOSPC', 'EDQUOT']);

/** The errno code (ENOSPC or EDQUOT) when `e` or one of its causes is a full disk. */
export function diskFullCode(e: unknown): string | undefined {
  for (let cur = e, depth = 0; cur && typeof cur === 'object' && depth < 8; depth++) {
    const c = cur as { code?: unknown; cause?: unknown; message?: unknown };
    if (typeof c.code === 'string' && FULL_CODES.has(c.code)) return c.code;
    if (c.code === 'disk_full') return 'ENOSPC';
    if (typeof c.message === 'string') {
      const m = /\b(ENOSPC|EDQUOT)\b/.exec(c.message);
      if (m) return m[1];
    }
    cur = c.cause;
  }
  return undefined;
}

export function isDiskFull(e: unknown): boolean {
  return diskFullCode(e) !== undefined;
}

/** The disk holding `dir` is full; the message names the folder, the errno and DATA_DIR. */
export class DiskFullError extends AppError {
  readonly path: string;
  constructor(what: string, dir: string, cause: unknown) {
    const code = diskFullCode(cause) ?? 'ENOSPC';
    const why = code === 'EDQUOT' ? 'the disk quota is exhausted' : 'no space left on the disk';
    super(
      'disk_full',
      `Disk full: could not write ${what} in ${dir} (${code}: ${why}). ` +
        'Free space on the disk that holds DATA_DIR, or point DATA_DIR at a larger disk.',
      { cause, details: { path: dir, errno: code } },
    );
    this.name = 'DiskFullError';
    this.path = dir;
  }
}

/** Rethrows a full-disk error as a DiskFullError naming `what` and `dir`; other errors unchanged. */
export function asDiskFull(e: unknown, what: string, dir: string): unknown {
  if (e instanceof DiskFullError || !isDiskFull(e)) return e;
  return new DiskFullError(what, dir, e);
}
