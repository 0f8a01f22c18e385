import { betaSampler, drawArm, seedOf } from '../../core/thompson.ts';
import type { Db } from '../../db/client.ts';
import {
  armCounts,
  benchmarkPin,
  getChoice,
  recordChoice,
  runningExperiment,
  type ChoiceHow,
} from '../../db/prompt-experiments.ts';
import { ensurePromptVersion, getIncumbent, getPromptVersion } from '../../db/prompt-versions.ts';
import {
  loadTemplate,
  renderText,
  type RenderedPrompt,
  type TemplateName,
} from '../../prompts/render.ts';

/**
 * Which version of a template a run's sessions use, drawn once per (run, template) and kept:
 * a benchmark's pinned version; else the running experiment's pinned version or a Thompson draw
 * (seeded by the run, at least 10 % on the incumbent); else the incumbent (a promoted version, or
 * the file's). The file in prompts/ is recorded as a version the first time it is used.
 */
export async function chooseVersion(
  db: Db,
  runId: string,
  name: TemplateName,
): Promise<{ version: string; how: ChoiceHow; body: string }> {
  const file = loadTemplate(name);
  await ensurePromptVersion(db, {
    template: name,
    version: file.version,
    body: file.text,
    source: 'file',
    createdBy: 'system',
  });
  const bodyOf = async (version: string) =>
    version === file.version ? file.text : (await getPromptVersion(db, name, version)).body;
  const known = await getChoice(db, runId, name);
  if (known) return { ...known, body: await bodyOf(known.version) };

  const chosen = await draw(db, runId, name, file.version);
  const kept = await recordChoice(db, { runId, template: name, ...chosen });
  return { ...kept, body: await bodyOf(kept.version) };
}

async function draw(
  db: Db,
  runId: string,
  name: TemplateName,
  fileVersion: string,
): Promise<{ version: string; how: ChoiceHow; experimentId: string | null }> {
  const pin = await benchmarkPin(db, runId);
  if (pin && pin.template === name)
    return { version: pin.version, how: 'benchmark', experimentId: null };
  const exp = await runningExperiment(db, name);
  if (exp) {
    if (exp.pinned) return { version: exp.pinned, how: 'pinned', experimentId: exp.id };
    const counts = await armCounts(db, exp.id);
    const arms = [exp.incumbent, ...exp.arms].map(
      (version) => counts.get(version) ?? { version, n: 0, successes: 0 },
    );
    const d = drawArm(arms, betaSampler(seedOf(`${exp.seed}:${runId}:${name}`)));
    return { version: d.version, how: d.how, experimentId: exp.id };
  }
  return {
    version: (await getIncumbent(db, name)) ?? fileVersion,
    how: 'incumbent',
    experimentId: null,
  };
}

/** Renders the version of `name` the run uses (see chooseVersion). */
export async function renderForRun(
  db: Db,
  runId: string,
  name: TemplateName,
  vars: Record<string, string>,
): Promise<RenderedPrompt> {
  const v = await chooseVersion(db, runId, name);
  return { text: renderText(name, v.body, vars), template: name, version: v.version };
}
