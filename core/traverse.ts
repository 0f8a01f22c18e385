import { chmodSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * As root, a process that runs as another user (the `postgres` user of embedded Postgres, the
 * agent user of agent sessions) must be able to reach its folders. A clone or data folder inside
 * a private folder (mode 0700, as `mktemp -d` makes) blocks it; this adds the traverse bit (o+x,
 * not read) to such ancestors and says which ones it changed. `who` names the reason in the log.
 */
export function ensureTraversable(
  targets: string[],
  log: (line: string) => void,
  who = 'the postgres user can reach the embedded database',
): void {
  if (process.getuid?.() !== 0) return;
  const seen = new Set<string>();
  for (const target of targets) {
    for (let dir = path.resolve(target); ; dir = path.dirname(dir)) {
      if (seen.has(dir)) break;
      seen.add(dir);
      try {
        const st = statSync(dir);
        if (st.isDirectory() && (st.mode & 0o001) === 0) {
          chmodSync(dir, (st.mode & 0o7777) | 0o001);
          log(`made ${dir} traversable (o+x) so ${who}`);
        }
      } catch {
        /* not created yet */
      }
      if (dir === path.dirname(dir)) break;
    }
  }
}
