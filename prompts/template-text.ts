import { readFileSync } from 'node:fs';
import type { TemplateName } from './render.ts';

/**
 * A template's text, read from its Markdown file beside this module. The edge build swaps this
 * module for template-text.edge.ts (bin/edge-build.ts), which has the texts bundled: the edge
 * has no filesystem.
 */
export function readTemplateText(name: TemplateName): string {
  return readFileSync(new URL(`./${name}.md`, import.meta.url), 'utf8');
}
