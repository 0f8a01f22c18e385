import { afterAll, describe, expect, it } from 'vitest';
import { parseTaggedOutput } from './external/parse.ts';
import { judgeExternal } from './external/verdict.ts';
import { formatJson, formatTagged } from './format.ts';
import { copyFixture, type FixtureCopy } from './testkit.ts';
import { validateScenario } from './validate.ts';

const copies: FixtureCopy[] = [];
afterAll(() => copies.forEach((c) => c.cleanup()));

async function report(fixture: string, profile: string) {
  const copy = copyFixture(fixture);
  copies.push(copy);
  return validateScenario({ dir: copy.dir, profile });
}

describe('formatters', () => {
  it('JSON is the versioned report, round-tripping', async () => {
    const r = await report('2025-08-07_secure-document-processing_BROKEN', 'vrooli-2025-08-07');
    const json = JSON.parse(formatJson(r)) as typeof r;
    expect(json).toEqual(r);
    expect(Object.keys(json).sort()).toEqual([
      'counts',
      'findings',
      'profile',
      'profileVersion',
      'scenario',
      'schemaVersion',
      'valid',
    ]);
    expect(json.counts.error).toBe(json.findings.filter((f) => f.severity === 'error').length);
  });

  it('tagged lines use the scenario-to-app.sh tags and read back through our own parser', async () => {
    const broken = await report(
      '2025-08-07_secure-document-processing_BROKEN',
      'vrooli-2025-08-07',
    );
    const text = formatTagged(broken);
    for (const line of text.trimEnd().split('\n'))
      expect(line).toMatch(/^\[(INFO|SUCCESS|WARNING|ERROR)\] {1,6}\S/);
    expect(text).toContain(
      '[ERROR]   Referenced file not found: initialization/storage/schema.sql',
    );
    expect(text.trimEnd().split('\n').at(-1)).toMatch(
      /^\[ERROR\] {3}Scenario secure-document-processing is not structurally valid \(4 errors, \d+ warnings\)$/,
    );
    const back = parseTaggedOutput(text);
    // Every error finding plus the verdict line; hints fold into their finding.
    expect(back.findings.filter((f) => f.severity === 'error')).toHaveLength(
      broken.counts.error + 1,
    );
    expect(
      back.findings.find((f) => f.message.startsWith('Referenced file not found'))?.hint,
    ).toMatch(/^Create initialization\/storage\/schema.sql/);
    expect(judgeExternal({ findings: back.findings, exitCode: 0 }).passed).toBe(false);

    const valid = await report('2025-08-29_simple-test', 'vrooli-2025-08-29');
    const ok = formatTagged(valid);
    expect(ok.trimEnd().split('\n').at(-1)).toBe(
      '[SUCCESS] Scenario simple-test is structurally valid (0 errors, 2 warnings)',
    );
    expect(judgeExternal({ findings: parseTaggedOutput(ok).findings, exitCode: 0 }).passed).toBe(
      true,
    );
  });
});
