import { createHash } from 'node:crypto';
import { AppError } from '../core/errors.ts';
import { readTemplateText } from './template-text.ts';

/**
 * Markdown prompt templates with named placeholders `{{name}}`. Rendering fails on a missing or
 * an unknown placeholder; a template's version is the first 12 hex digits of the SHA-256 of its
 * content, recorded with every interaction so prompt versions can be compared.
 */
export interface TemplateVars {
  'initial-plan': {
    request: string;
    title: string;
    complexity: string;
    category: string;
    resources: string;
    formatGuide: string;
    lessons: string;
  };
  'refine-plan': {
    request: string;
    resources: string;
    formatGuide: string;
    /** Every earlier version with score and critique (see formatPlanHistory). */
    history: string;
    iteration: string;
    lessons: string;
  };
  'score-plan': { request: string; resources: string; plan: string };
  implement: {
    request: string;
    slug: string;
    plan: string;
    formatGuide: string;
    /** The previous round's findings (see formatFindings). */
    findings: string;
    iteration: string;
    lessons: string;
  };
  'fix-validation': { slug: string; formatGuide: string; findings: string; attempt: string };
  /** A plan-only session proposing a change to one section of a template (a recurring problem). */
  'suggest-change': {
    template: string;
    version: string;
    signature: string;
    stage: string;
    runs: string;
    examples: string;
    section: string;
    sectionText: string;
  };
}

export type TemplateName = keyof TemplateVars;

export const TEMPLATE_NAMES: readonly TemplateName[] = [
  'initial-plan',
  'refine-plan',
  'score-plan',
  'implement',
  'fix-validation',
  'suggest-change',
];

export interface Template {
  name: TemplateName;
  text: string;
  /** sha256 of the content, first 12 hex digits. */
  version: string;
  /** Placeholder names in order of first appearance. */
  placeholders: string[];
}

export interface RenderedPrompt {
  text: string;
  template: TemplateName;
  version: string;
}

const PLACEHOLDER_RE = /\{\{([A-Za-z][A-Za-z0-9_]*)\}\}/g;
const cache = new Map<TemplateName, Template>();

function isTemplateName(name: string): name is TemplateName {
  return (TEMPLATE_NAMES as readonly string[]).includes(name);
}

/** Content hash used as a template version. */
export function templateVersion(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

/** Loads (once) and describes a template. */
export function loadTemplate(name: TemplateName): Template {
  if (!isTemplateName(name))
    throw new AppError('bad_request', `Unknown prompt template: ${String(name)}`);
  const hit = cache.get(name);
  if (hit) return hit;
  const text = readTemplateText(name);
  const placeholders = [...new Set([...text.matchAll(PLACEHOLDER_RE)].map((m) => m[1] as string))];
  const t: Template = { name, text, version: templateVersion(text), placeholders };
  cache.set(name, t);
  return t;
}

/** Every template with its version. */
export function listTemplates(): Template[] {
  return TEMPLATE_NAMES.map(loadTemplate);
}

/** Renders text with `vars` in one pass (values are never expanded again). */
export function renderText(name: string, text: string, vars: Record<string, string>): string {
  const wanted = new Set([...text.matchAll(PLACEHOLDER_RE)].map((m) => m[1] as string));
  const missing = [...wanted].filter((k) => typeof vars[k] !== 'string');
  const unknown = Object.keys(vars).filter((k) => !wanted.has(k));
  if (missing.length || unknown.length) {
    const parts = [
      missing.length ? `missing ${missing.join(', ')}` : '',
      unknown.length ? `unknown ${unknown.join(', ')}` : '',
    ].filter(Boolean);
    throw new AppError('bad_request', `Prompt template ${name}: ${parts.join('; ')}.`, {
      details: { missing, unknown },
    });
  }
  return text.replace(PLACEHOLDER_RE, (_m, k: string) => vars[k] as string);
}

/** Renders a named template; throws AppError `bad_request` on a missing or unknown placeholder. */
export function renderTemplate<N extends TemplateName>(
  name: N,
  vars: TemplateVars[N],
): RenderedPrompt {
  const t = loadTemplate(name);
  return {
    text: renderText(name, t.text, vars as unknown as Record<string, string>),
    template: name,
    version: t.version,
  };
}
