import { describe, expect, it } from 'vitest';
import { redactUrl, redactUrlsIn } from './redact-url.ts';

describe('redactUrl', () => {
  it.each([
    ['postgres://app:s3cret-pw@db:5432/x', 'postgres://app:***@db:5432/x'],
    ['redis://:s3cret-pw@r:6379', 'redis://:***@r:6379'],
    ['https://TOKEN123456@host/x', 'https://***@host/x'],
    // Malformed (unencoded @ and / in the password, a space in the host): nothing of it shows.
    ['postgres://u:p@ss/w@rd@bad host:5432/x', 'postgres://u:***@bad host:5432/x'],
    ['postgres://db:5432/x', 'postgres://db:5432/x'],
    ['not a url', 'not a url'],
    ['./data', './data'],
  ])('%s → %s', (input, output) => {
    expect(redactUrl(input)).toBe(output);
  });

  it('masks every URL inside free text', () => {
    expect(
      redactUrlsIn('failed: postgres://u:pw-one@h/db and redis://:pw-two@r:1 (retrying)'),
    ).toBe('failed: postgres://u:***@h/db and redis://:***@r:1 (retrying)');
  });
});
