import { describe, expect, it } from 'vitest';
import { progressLine } from './progress.ts';
import { terminalJson, terminalSafe } from './terminal.ts';

/** Every byte a terminal could act on: C0 (but none of it kept), DEL and C1. */
const CONTROL = /[\x00-\x1f\x7f-\x9f]/;

describe('terminal-safe text', () => {
  it('drops escape sequences whole and every other control character', () => {
    const cases: Array<[string, string]> = [
      ['\x1b]0;owned\x07Title', 'Title'],
      ['\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\', 'link'],
      ['\x1b[2J\x1b[1;1HClean', 'Clean'],
      ['Red\x1b[31m text\x1b[0m', 'Red text'],
      ['\x9b2J8-bit CSI', '8-bit CSI'],
      ['\x9d0;title\x9cOSC', 'OSC'],
      ['\x1bPdevice\x1b\\DCS', 'DCS'],
      ['back\bspace\x7f', 'backspace'],
      ['two\nlines\tand\rtab', 'two lines and tab'],
      ['\x1b7saved\x1b8', 'saved'],
      ['trailing ESC\x1b', 'trailing ESC'],
      ['Plain “Unicode” — ok ✓', 'Plain “Unicode” — ok ✓'],
    ];
    for (const [raw, shown] of cases) expect(terminalSafe(raw)).toBe(shown);
    expect(terminalSafe(null)).toBe('');
  });

  it('keeps JSON output exact but writes C1 controls and DEL escaped', () => {
    const value = { title: '\x1b[31mRed\x9b2J\x7f' };
    const out = terminalJson(value);
    // Pretty-printing's own line breaks are the only control characters left.
    expect(out.replace(/\n/g, '')).not.toMatch(CONTROL);
    expect(JSON.parse(out)).toEqual(value);
  });

  it('makes the progress line safe: status, phase and the agent’s last action', () => {
    const line = progressLine({
      status: 'implementing',
      phase: 'implementing\x1b[2K',
      iteration: 1,
      progress: 40,
      lastAction: 'Write \x1b]0;pwned\x07README.md\x9b1A',
    });
    expect(line).not.toMatch(CONTROL);
    expect(line).toBe('[##########--------------]  40% implementing #1 — Write README.md');
  });
});
