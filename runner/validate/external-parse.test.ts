import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyLine, parseTaggedOutput } from './external/parse.ts';
import { judgeExternal } from './external/verdict.ts';
import { vrooliFixturesDir } from './testkit.ts';

/**
 * The parser on every real output of Vrooli's scenario-to-app.sh in
 * ../shared/fixtures/vrooli/dry-run-outputs (both script versions, both tag styles). The oracle
 * for "this output reports an error" is deliberately simple and independent of the parser: a line
 * starting with `[ERROR]` or `❌`.
 */

const outputsDir = () => path.join(vrooliFixturesDir(), 'dry-run-outputs');
const scriptDirs = () =>
  readdirSync(outputsDir())
    .filter((d) => d.startsWith('scenario-to-app_'))
    .sort();
const read = (dir: string, file: string) =>
  readFileSync(path.join(outputsDir(), dir, file), 'utf8');
const hasErrorLine = (text: string) =>
  text.split('\n').some((l) => l.startsWith('[ERROR]') || l.startsWith('\u274C'));
const scenarioName = (file: string) => file.replace(/\.txt$/, '');

describe('dry-run outputs, one scenario per file', () => {
  it('both script versions are there', () => {
    expect(scriptDirs()).toEqual([
      'scenario-to-app_2025-08-07_c15efbe9c',
      'scenario-to-app_2025-08-29_94c8533a4',
    ]);
  });

  for (const dir of scriptDirs()) {
    const files = readdirSync(path.join(outputsDir(), dir)).filter(
      (f) => f.endsWith('.txt') && !f.startsWith('_negative'),
    );
    it(`${dir} has outputs`, () => expect(files.length).toBeGreaterThan(10));
    for (const file of files) {
      it(`${dir}/${file}: the verdict follows its error lines, whatever the exit code`, () => {
        const text = read(dir, file);
        const parsed = parseTaggedOutput(text, { name: scenarioName(file) });
        const erroneous = hasErrorLine(text);
        expect(parsed.findings.some((f) => f.severity === 'error')).toBe(erroneous);
        // Vrooli's 2025-08-07 script exited 0 even after printing errors: exit 0 must not rescue them.
        expect(judgeExternal({ findings: parsed.findings, exitCode: 0 }).passed).toBe(!erroneous);
        expect(judgeExternal({ findings: parsed.findings, exitCode: 1 }).passed).toBe(false);
        for (const f of parsed.findings) expect(f.ruleId).toBe('external');
      });
    }
  }
});

describe('what the parser extracts', () => {
  const v0807 = 'scenario-to-app_2025-08-07_c15efbe9c';
  const v0829 = 'scenario-to-app_2025-08-29_94c8533a4';
  const expectedJson = () =>
    JSON.parse(readFileSync(path.join(vrooliFixturesDir(), 'EXPECTED.json'), 'utf8')) as {
      fixtures: Record<string, { missing_files?: string[] }>;
    };
  const notFound = (text: string) =>
    parseTaggedOutput(text)
      .findings.filter((f) => f.severity === 'error')
      .map((f) => f.message);

  it('secure-document-processing: six not-found errors, "Expected at" lines folded in', () => {
    const messages = notFound(read(v0807, 'secure-document-processing.txt'));
    expect(messages).toHaveLength(6);
    const paths = new Set(
      messages.map((m) => m.replace(/^(Referenced|Deployment) file not found: /, '')),
    );
    expect([...paths].sort()).toEqual(
      [
        ...expectedJson().fixtures['2025-08-07_secure-document-processing_BROKEN']!.missing_files!,
      ].sort(),
    );
  });

  it('multi-modal-ai-assistant: the five missing files', () => {
    const messages = notFound(read(v0807, 'multi-modal-ai-assistant.txt'));
    expect(messages.map((m) => m.replace('Referenced file not found: ', '')).sort()).toEqual(
      [
        ...expectedJson().fixtures['2025-08-07_multi-modal-ai-assistant_BROKEN']!.missing_files!,
      ].sort(),
    );
  });

  it('emoji fallback style: a clean run passes, the run with schema.sql removed fails despite exit 0', () => {
    const clean = parseTaggedOutput(read(v0807, '_fallback-logging_campaign-content-studio.txt'));
    expect(clean.styles).toEqual(['emoji']);
    expect(clean.successLines).toBeGreaterThan(3);
    expect(judgeExternal({ findings: clean.findings, exitCode: 0 }).passed).toBe(true);
    const removed = parseTaggedOutput(read(v0807, '_fallback-logging_schema-sql-removed.txt'));
    expect(removed.findings.filter((f) => f.severity === 'error').map((f) => f.message)).toEqual([
      'Referenced file not found: initialization/storage/schema.sql',
      'Deployment file not found: initialization/storage/schema.sql',
    ]);
    expect(judgeExternal({ findings: removed.findings, exitCode: 0 }).passed).toBe(false);
  });

  it('local-info-scout (2025-08-29): the schema error is the finding, the fix location its hint', () => {
    const parsed = parseTaggedOutput(read(v0829, 'local-info-scout.txt'), {
      name: 'local-info-scout',
    });
    const errors = parsed.findings.filter((f) => f.severity === 'error');
    const schema = errors.find((f) =>
      f.message.includes("lifecycle -> setup -> steps: None is not of type 'array'"),
    );
    expect(schema?.message).toBe(
      "SCHEMA_ERRORS: lifecycle -> setup -> steps: None is not of type 'array'",
    );
    expect(schema?.hint).toContain('Fix these issues in:');
    // The example JSON printed under the error is explanation, not a list of problems.
    expect(errors.some((f) => f.message.includes('"version"'))).toBe(false);
    expect(errors.map((f) => f.signature)).toContain('external:<name> failed');
  });

  it('system-monitor (2025-08-29): the fallback error', () => {
    const messages = notFound(read(v0829, 'system-monitor.txt'));
    expect(messages.some((m) => m.includes('ports -> ui -> fallback'))).toBe(true);
  });

  it('one signature for every "Referenced file not found" line, in every file', () => {
    const sigs = new Set<string>();
    for (const file of readdirSync(path.join(outputsDir(), v0807))) {
      for (const f of parseTaggedOutput(read(v0807, file)).findings)
        if (f.message.startsWith('Referenced file not found')) sigs.add(f.signature);
    }
    expect([...sigs]).toEqual(['external:Referenced file not found: <path>']);
  });
});

describe('negative cases with their recorded exit codes', () => {
  for (const dir of [
    'scenario-to-app_2025-08-07_c15efbe9c',
    'scenario-to-app_2025-08-29_94c8533a4',
  ]) {
    it(`${dir}/_negative-cases.txt`, () => {
      const text = readFileSync(path.join(outputsDir(), dir, '_negative-cases.txt'), 'utf8');
      const sections = [...text.matchAll(/^===== \$ (.*)\n([\s\S]*?)^===== exit code: (\d+)$/gm)];
      expect(sections.length).toBeGreaterThanOrEqual(7);
      for (const [, cmd, body, code] of sections) {
        const exitCode = Number(code);
        const verdict = judgeExternal({ findings: parseTaggedOutput(body!).findings, exitCode });
        expect(verdict.passed, cmd).toBe(exitCode === 0 && !hasErrorLine(body!));
        if (exitCode !== 0 && !hasErrorLine(body!)) {
          expect(
            verdict.findings.filter((f) => f.severity === 'error').map((f) => f.ruleId),
            cmd,
          ).toEqual(['external.exit-code']);
        }
      }
      // The 2025-08-07 zz-trailing case printed an error and still exited 0.
      if (dir.includes('2025-08-07')) {
        const trailing = sections.find((s) => s[1]!.startsWith('scenario-to-app.sh zz-trailing'))!;
        expect(trailing[3]).toBe('0');
        expect(
          judgeExternal({ findings: parseTaggedOutput(trailing[2]!).findings, exitCode: 0 }).passed,
        ).toBe(false);
      }
    });
  }
});

describe('classifyLine', () => {
  it.each([
    ['[ERROR]   Referenced file not found: x', 'error', 0],
    ['[ERROR]     Expected at: /x', 'error', 2],
    ['[WARNING] DRY RUN MODE', 'warning', 0],
    ['[SUCCESS] ✅ done', 'success', 0],
    ['[INFO]    Phase 1', 'info', 0],
    ['\u274C Referenced file not found: x', 'error', 0],
    ['\u274C   Expected at: /x', 'error', 2],
    ['\u2139\uFE0F  Phase 1', 'info', 0],
    ['\u26A0\uFE0F  No JSON schema validator', 'warning', 0],
    ['\u2705 Scenario directory found', 'success', 0],
    ['\x1b[31m[ERROR]\x1b[0m   coloured', 'error', 0],
  ])('%s', (line, level, indent) => {
    expect(classifyLine(line)).toMatchObject({ level, indent });
  });

  it('untagged lines are not findings', () => {
    expect(classifyLine('Usage: scenario-to-app.sh <scenario-name> [options]')).toBeNull();
  });
});
