import { AppError } from '../core/errors.ts';
import type { TemplateName } from './render.ts';

/**
 * A template's `## ` sections: what a suggested change replaces. A suggestion changes one
 * section's text and keeps its heading; the rest of the template stays byte for byte.
 */
export interface Section {
  heading: string;
  /** The text under the heading, up to the next `## ` heading (trimmed). */
  text: string;
}

const HEADING = /^## (.+)$/gm;

/** Every `## ` section, in order. */
export function sectionsOf(body: string): Section[] {
  const marks = [...body.matchAll(HEADING)];
  return marks.map((m, i) => {
    const start = (m.index ?? 0) + m[0].length;
    const end = marks[i + 1]?.index ?? body.length;
    return { heading: (m[1] as string).trim(), text: body.slice(start, end).trim() };
  });
}

/** The section a suggestion works on: the template's instructions, its last section. */
export function instructionSection(body: string): Section {
  const all = sectionsOf(body);
  const last = all.at(-1);
  if (!last) throw new AppError('bad_request', 'The template has no "## " section to change.');
  return last;
}

/** `body` with the section under `heading` replaced by `text` (its heading kept). */
export function replaceSection(body: string, heading: string, text: string): string {
  const marks = [...body.matchAll(HEADING)];
  const i = marks.findIndex((m) => (m[1] as string).trim() === heading.trim());
  if (i < 0) throw new AppError('bad_request', `The template has no section "${heading}".`);
  const m = marks[i]!;
  const start = (m.index ?? 0) + m[0].length;
  const next = marks[i + 1]?.index;
  const tail = next === undefined ? '\n' : '\n\n';
  return `${body.slice(0, start)}\n\n${text.trim()}${tail}${next === undefined ? '' : body.slice(next)}`;
}

/** The template a finding's stage (`phase/validator`) is best changed in. */
export function templateForStage(stage: string | null): TemplateName {
  const phase = (stage ?? '').split('/')[0];
  if (phase === 'planning') return 'initial-plan';
  if (phase === 'implementing') return 'implement';
  return 'fix-validation';
}
