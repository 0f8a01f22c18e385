import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTINGS } from '../core/config.ts';

describe('README', () => {
  const readme = readFileSync(path.join(import.meta.dirname, '..', 'README.md'), 'utf8');
  it('documents every setting the config parses', () => {
    const missing = SETTINGS.filter(
      (s) => !new RegExp(`\\|\\s*\`${s.env}\`\\s*\\|`).test(readme),
    ).map((s) => s.env);
    expect(missing).toEqual([]);
  });
  it('shows the two quick-start commands in code blocks', () => {
    expect(readme).toMatch(/```bash\nnpm install && npm start\n```/);
    expect(readme).toMatch(/```bash\nnpm install && npm test\n```/);
  });
});
