import { terminalSafe } from './terminal.ts';

/** Terminal rendering of a run's progress: a bar, the phase, the iteration and the agent's last action. */
export interface ProgressState {
  status: string;
  phase: string | null;
  iteration: number | null;
  progress: number;
  lastAction: string | null;
}

export function bar(percent: number, width = 24): string {
  const p = Math.max(0, Math.min(100, Math.round(percent)));
  const filled = Math.round((p / 100) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(p).padStart(3)}%`;
}

/** One line for the terminal; every server-provided part is made terminal-safe. */
export function progressLine(raw: ProgressState, maxWidth = 100): string {
  const s: ProgressState = {
    ...raw,
    status: terminalSafe(raw.status),
    phase: raw.phase === null ? null : terminalSafe(raw.phase),
    lastAction: raw.lastAction === null ? null : terminalSafe(raw.lastAction),
  };
  const final = ['deployed', 'failed', 'cancelled'].includes(s.status);
  const where = s.phase && !final ? `${s.phase}${s.iteration ? ` #${s.iteration}` : ''}` : s.status;
  const label = final || s.status === s.phase || !s.phase ? where : `${s.status} · ${where}`;
  const line = `${bar(s.progress)} ${label}${s.lastAction && !final ? ` — ${s.lastAction}` : ''}`;
  return line.length > maxWidth ? line.slice(0, maxWidth - 1) + '…' : line;
}
