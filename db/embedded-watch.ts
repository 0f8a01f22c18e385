import type { EmbeddedPostgresHandle } from './embedded.ts';

/** How the watchdog checks and restarts the embedded cluster. */
export interface WatchOptions {
  intervalMs?: number;
  /** Restart attempts before giving up (its backends may take a moment to exit). */
  attempts?: number;
  log: (line: string) => void;
  /** Called once when the cluster cannot be brought back: the app should exit non-zero. */
  onFatal: (e: Error) => void;
}

/**
 * Watches the embedded Postgres: when its postmaster dies, starts it again on the same port (the
 * pool reconnects by itself), so the app does not answer 500s forever; when that fails, reports
 * a fatal error for a supervisor to act on. Returns the function that stops watching.
 */
export function watchEmbedded(
  pg: Pick<EmbeddedPostgresHandle, 'alive' | 'restart'>,
  options: WatchOptions,
): () => void {
  const { intervalMs = 2000, attempts = 5, log, onFatal } = options;
  let busy = false;
  let stopped = false;
  const check = async () => {
    if (busy || stopped || pg.alive()) return;
    busy = true;
    log('embedded Postgres stopped unexpectedly; restarting it');
    let last: unknown;
    for (let i = 0; i < attempts && !stopped; i++) {
      try {
        await pg.restart();
        log('embedded Postgres restarted');
        busy = false;
        return;
      } catch (e) {
        last = e;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    const why = last instanceof Error ? last.message : String(last);
    onFatal(new Error(`embedded Postgres died and could not be restarted: ${why}`));
  };
  const timer = setInterval(() => void check(), intervalMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
