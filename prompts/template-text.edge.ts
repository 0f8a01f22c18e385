import fixValidation from './fix-validation.md?raw';
import implement from './implement.md?raw';
import initialPlan from './initial-plan.md?raw';
import refinePlan from './refine-plan.md?raw';
import scorePlan from './score-plan.md?raw';
import suggestChange from './suggest-change.md?raw';
import type { TemplateName } from './render.ts';

// The record's type makes a template added without a line here fail to type check.
const TEXTS: Record<TemplateName, string> = {
  'initial-plan': initialPlan,
  'refine-plan': refinePlan,
  'score-plan': scorePlan,
  implement,
  'fix-validation': fixValidation,
  'suggest-change': suggestChange,
};

/** A template's text as bundled into the edge entry (the build inlines `?raw` imports). */
export function readTemplateText(name: TemplateName): string {
  return TEXTS[name];
}
