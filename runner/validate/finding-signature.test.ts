import { describe, expect, it } from 'vitest';
import { normaliseMessage, signatureOf } from './finding-signature.ts';

const external = (message: string) => ({ severity: 'error' as const, ruleId: 'external', message });

describe('signatureOf', () => {
  it('external messages differing only in paths share a signature', () => {
    const a = signatureOf(external('Referenced file not found: initialization/storage/schema.sql'));
    const b = signatureOf(external('Referenced file not found: initialization/x/y.json'));
    expect(a).toBe(b);
    expect(a).toBe('external:Referenced file not found: <path>');
  });

  it('different problems keep different signatures', () => {
    expect(signatureOf(external('Referenced file not found: a/b.sql'))).not.toBe(
      signatureOf(external('Deployment file not found: a/b.sql')),
    );
  });

  it.each([
    [
      "Invalid scenario name: '123' (pure numbers are not valid scenario names)",
      'Invalid scenario name: <q> (pure numbers are not valid scenario names)',
    ],
    ['Shared initialization completed in 246ms', 'Shared initialization completed in <n>ms'],
    ['run 0b7c5e9e-4a52-4a5f-9d1b-1d2f3a4b5c6d failed', 'run <uuid> failed'],
    [
      'Expected at: $VROOLI_ROOT/scripts/scenarios/core/x/initialization/a.sql',
      'Expected at: <path>',
    ],
    [
      '❌ Schema validation FAILED for scenario: local-info-scout',
      'Schema validation FAILED for scenario: <name>',
    ],
    ['[local-info-scout] Scenario validation failed', '[<name>] Scenario validation failed'],
    ['Missing required property "version"', 'Missing required property <q>'],
  ])('%s', (message, normalised) => {
    expect(normaliseMessage(message, 'local-info-scout')).toBe(normalised);
  });

  it('internal findings: rule id and the JSON path with indices folded', () => {
    const at = (i: number) =>
      signatureOf({
        severity: 'error',
        ruleId: 'file.missing',
        message: `Referenced file not found: f${i}.sql`,
        jsonPath: `$.resources.storage.postgres.initialization.data[${i}].file`,
      });
    expect(at(0)).toBe(at(7));
    expect(at(0)).toBe('file.missing@$.resources.storage.postgres.initialization.data[*].file');
    expect(
      signatureOf({
        severity: 'warning',
        ruleId: 'readme.missing',
        message: 'README.md is missing.',
      }),
    ).toBe('readme.missing');
  });

  it('is bounded in length', () => {
    expect(signatureOf(external('x '.repeat(1000))).length).toBeLessThanOrEqual(240);
  });
});
