import { describe, expect, it } from 'vitest';
import { bar, progressLine } from './progress.ts';

describe('progress line', () => {
  it('draws a bar, the phase, the iteration and the last action', () => {
    expect(bar(50, 10)).toBe('[#####-----]  50%');
    expect(bar(140, 4)).toBe('[####] 100%');
    expect(
      progressLine({
        status: 'implementing',
        phase: 'implementing',
        iteration: 2,
        progress: 40,
        lastAction: 'Write README.md',
      }),
    ).toBe('[##########--------------]  40% implementing #2 — Write README.md');
    expect(
      progressLine({
        status: 'sleeping',
        phase: 'planning',
        iteration: 1,
        progress: 10,
        lastAction: null,
      }),
    ).toBe('[##----------------------]  10% sleeping · planning #1');
    expect(
      progressLine({
        status: 'deployed',
        phase: 'deploying',
        iteration: 1,
        progress: 100,
        lastAction: 'x',
      }),
    ).toBe('[########################] 100% deployed');
    expect(
      progressLine(
        {
          status: 'planning',
          phase: 'planning',
          iteration: 1,
          progress: 5,
          lastAction: 'y'.repeat(200),
        },
        60,
      ),
    ).toHaveLength(60);
  });
});
