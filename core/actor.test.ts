import { describe, expect, it } from 'vitest';
import { byWhom } from './actor.ts';

describe('byWhom', () => {
  it('names people and tokens, and says nothing for the one local user', () => {
    expect(`Cancelled${byWhom('local')}.`).toBe('Cancelled.');
    expect(`Cancelled${byWhom('user:ada')}.`).toBe('Cancelled by ada.');
    expect(`Cancelled${byWhom('token:ci')}.`).toBe('Cancelled through the API token “ci”.');
    expect(`Cancelled${byWhom('webhook')}.`).toBe('Cancelled by a webhook.');
  });
});
