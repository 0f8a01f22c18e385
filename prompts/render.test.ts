import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { formatFindings, formatPlanHistory } from './format.ts';
import {
  listTemplates,
  loadTemplate,
  renderTemplate,
  renderText,
  TEMPLATE_NAMES,
  type TemplateVars,
} from './render.ts';
import { PlanAnswer, planJsonSchema, ScoreAnswer, scoreJsonSchema, scoreTotal } from './schemas.ts';

const sampleVars: { [N in keyof TemplateVars]: TemplateVars[N] } = {
  'initial-plan': {
    request: 'A todo app',
    title: 'Todo',
    complexity: 'simple',
    category: 'productivity',
    resources: '- postgres',
    formatGuide: 'F',
    lessons: 'L',
  },
  'refine-plan': {
    request: 'R',
    resources: 'S',
    formatGuide: 'F',
    history: 'H',
    iteration: '2',
    lessons: 'L',
  },
  'score-plan': { request: 'R', resources: 'S', plan: 'P' },
  implement: {
    request: 'R',
    slug: 'todo',
    plan: 'P',
    formatGuide: 'F',
    findings: 'none',
    iteration: '1',
    lessons: 'L',
  },
  'fix-validation': { slug: 'todo', formatGuide: 'F', findings: '- [error] x', attempt: '1' },
  'suggest-change': {
    template: 'implement',
    version: 'abc',
    signature: 'S',
    stage: 'validating/structure',
    runs: '3',
    examples: '- x',
    section: 'How to work',
    sectionText: 'T',
  },
};

describe('prompt templates', () => {
  it('every template renders with exactly its declared placeholders', () => {
    for (const name of TEMPLATE_NAMES) {
      const t = loadTemplate(name);
      expect(t.placeholders.sort()).toEqual(Object.keys(sampleVars[name]).sort());
      const out = renderTemplate(name, sampleVars[name] as never);
      expect(out.text).not.toMatch(/\{\{/);
      expect(out.template).toBe(name);
      expect(out.version).toBe(t.version);
    }
  });

  it('the version is the content hash (sha256, 12 hex)', () => {
    const raw = readFileSync(new URL('./score-plan.md', import.meta.url), 'utf8');
    expect(loadTemplate('score-plan').version).toBe(
      createHash('sha256').update(raw).digest('hex').slice(0, 12),
    );
    const versions = listTemplates().map((t) => t.version);
    expect(new Set(versions).size).toBe(TEMPLATE_NAMES.length);
    expect(versions.every((x) => /^[0-9a-f]{12}$/.test(x))).toBe(true);
  });

  it('fails on a missing or an unknown placeholder', () => {
    const { plan: _p, ...missing } = sampleVars['score-plan'];
    expect(() => renderTemplate('score-plan', missing as never)).toThrow(/missing plan/);
    expect(() =>
      renderTemplate('score-plan', { ...sampleVars['score-plan'], extra: 'x' } as never),
    ).toThrow(/unknown extra/);
    expect(() => loadTemplate('nope' as never)).toThrow(/Unknown prompt template/);
  });

  it('never expands placeholders inside values', () => {
    expect(renderText('t', 'A {{a}} B {{b}}', { a: '{{b}}', b: 'x' })).toBe('A {{b}} B x');
  });

  it('the refinement prompt carries every earlier version with score and critique', () => {
    const history = formatPlanHistory([
      {
        iteration: 1,
        title: 'First',
        plan: 'plan one',
        score: { total: 61, completeness: 15, feasibility: 16, clarity: 15, risk: 15 },
        critique: 'no tests',
      },
      {
        iteration: 2,
        title: 'Second',
        plan: 'plan two',
        score: { total: 74, completeness: 20, feasibility: 18, clarity: 18, risk: 18 },
        critique: 'ports unclear',
      },
    ]);
    const text = renderTemplate('refine-plan', { ...sampleVars['refine-plan'], history }).text;
    for (const s of [
      'Version 1: First',
      'Score 61/100',
      'no tests',
      'plan one',
      'Version 2: Second',
      'Score 74/100',
      'ports unclear',
      'plan two',
    ]) {
      expect(text).toContain(s);
    }
  });

  it('findings are listed with rule id, file, message and hint', () => {
    expect(
      formatFindings([
        {
          ruleId: 'service-json.required',
          file: '.vrooli/service.json',
          line: 3,
          message: 'name missing',
          hint: 'add "name"',
        },
      ]),
    ).toBe(
      '- [error] service-json.required in .vrooli/service.json:3 — name missing (hint: add "name")',
    );
    expect(formatFindings([])).toMatch(/none/);
  });
});

describe('structured answer schemas', () => {
  it('plan: JSON Schema and valibot agree on the required fields', () => {
    expect(planJsonSchema).toMatchObject({ type: 'object', additionalProperties: false });
    expect([...(planJsonSchema.required as string[])].sort()).toEqual(
      Object.keys(PlanAnswer.entries).sort(),
    );
    // Derived, so the CLI checks the same bounds valibot does.
    expect(planJsonSchema).toMatchObject({
      properties: { slug: { pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 64 } },
    });
    const ok = {
      title: 'Todo',
      slug: 'todo-app',
      summary: 'S',
      resources: ['postgres'],
      plan: '# Plan',
    };
    expect(v.parse(PlanAnswer, ok)).toEqual(ok);
    expect(v.safeParse(PlanAnswer, { ...ok, slug: 'Todo App' }).success).toBe(false);
    expect(v.safeParse(PlanAnswer, { ...ok, title: '   ' }).success).toBe(false);
    expect(v.safeParse(PlanAnswer, { ...ok, resources: ['redis', 'redis'] }).success).toBe(false);
  });

  it('score: integers 0..25, total 0..100', () => {
    expect([...(scoreJsonSchema.required as string[])].sort()).toEqual(
      Object.keys(ScoreAnswer.entries).sort(),
    );
    expect(scoreJsonSchema).toMatchObject({
      properties: { risk: { type: 'integer', minimum: 0, maximum: 25 } },
    });
    const s = v.parse(ScoreAnswer, {
      completeness: 25,
      feasibility: 20,
      clarity: 10,
      risk: 0,
      critique: 'ok',
    });
    expect(scoreTotal(s)).toBe(55);
    expect(
      v.safeParse(ScoreAnswer, {
        completeness: 26,
        feasibility: 0,
        clarity: 0,
        risk: 0,
        critique: 'x',
      }).success,
    ).toBe(false);
    expect(
      v.safeParse(ScoreAnswer, {
        completeness: 1.5,
        feasibility: 0,
        clarity: 0,
        risk: 0,
        critique: 'x',
      }).success,
    ).toBe(false);
  });
});
