import { randomInt } from 'node:crypto';
import { AppError } from '../../core/errors.ts';
import { armStats } from '../../core/thompson.ts';
import type { Sql } from '../../db/client.ts';
import {
  armCounts,
  listExperiments,
  runningExperiment,
  startOrJoinExperiment,
  stopExperiment,
  getExperiment,
  type PromptExperiment,
} from '../../db/prompt-experiments.ts';
import {
  ensurePromptVersion,
  getIncumbent,
  listIncumbents,
  listPromptVersions,
  setIncumbent,
} from '../../db/prompt-versions.ts';
import {
  decideSuggestion,
  getSuggestion,
  type PromptSuggestion,
} from '../../db/prompt-suggestions.ts';
import {
  listTemplates,
  loadTemplate,
  templateVersion,
  type TemplateName,
} from '../../prompts/render.ts';
import type { ExperimentView, PromptsOverview } from '../contract/prompts.ts';

/**
 * Prompt versions, suggestions and experiments as the dashboard sees and changes them. Approving
 * a suggestion creates an immutable version and makes it an arm of the template's experiment;
 * stopping an experiment may promote a version to incumbent. Nothing here runs without a person.
 */
/** Every template's versions (files recorded as first versions) and every experiment. */
export async function promptsOverview(sql: Sql): Promise<PromptsOverview> {
  const templates = listTemplates();
  for (const t of templates)
    await ensurePromptVersion(sql, {
      template: t.name,
      version: t.version,
      body: t.text,
      source: 'file',
      createdBy: 'system',
    });
  const [versions, incumbents, experiments] = await Promise.all([
    listPromptVersions(sql),
    listIncumbents(sql),
    listExperiments(sql),
  ]);
  return {
    templates: templates.map((t) => ({
      name: t.name,
      incumbent: incumbents.get(t.name) ?? t.version,
      fileVersion: t.version,
      versions: versions
        .filter((v) => v.template === t.name)
        .map((v) => ({ ...v, createdAt: v.createdAt.toISOString() })),
    })),
    experiments: await Promise.all(experiments.map((e) => experimentView(sql, e))),
  };
}

/** An experiment with n, posterior mean, 95 % interval and P(beats incumbent) per arm. */
export async function experimentView(sql: Sql, e: PromptExperiment): Promise<ExperimentView> {
  const counts = await armCounts(sql, e.id);
  const arms = [e.incumbent, ...e.arms].map(
    (version) => counts.get(version) ?? { version, n: 0, successes: 0 },
  );
  return {
    id: e.id,
    template: e.template,
    incumbent: e.incumbent,
    status: e.status,
    pinned: e.pinned,
    startedBy: e.startedBy,
    startedAt: e.startedAt.toISOString(),
    stoppedAt: e.stoppedAt ? e.stoppedAt.toISOString() : null,
    promoted: e.promoted,
    arms: armStats(arms, e.seed),
  };
}

/** The template's incumbent: a promoted version, else the file's. */
export async function incumbentOf(sql: Sql, template: TemplateName): Promise<string> {
  return (await getIncumbent(sql, template)) ?? loadTemplate(template).version;
}

/**
 * Approves a pending suggestion: its text becomes a new version (immutable), which joins the
 * template's experiment against the incumbent (starting one when none runs).
 */
export async function approveSuggestion(
  sql: Sql,
  id: string,
  actor: string,
): Promise<{ suggestion: PromptSuggestion; experiment: PromptExperiment }> {
  return sql.begin(async (tx) => {
    const s = await getSuggestion(tx, id);
    if (s.status !== 'pending' || !s.proposedBody)
      throw new AppError(
        'conflict',
        `The suggestion is ${s.status}; only a pending one can be approved.`,
      );
    const template = s.template as TemplateName;
    const version = templateVersion(s.proposedBody);
    const incumbent = await incumbentOf(sql, template);
    if (version === incumbent)
      throw new AppError('conflict', 'The suggestion does not change the current version.');
    await ensurePromptVersion(tx, {
      template,
      version,
      body: s.proposedBody,
      source: 'suggestion',
      parentVersion: s.baseVersion,
      suggestionId: s.id,
      createdBy: actor,
    });
    await decideSuggestion(tx, id, { status: 'approved', version }, actor);
    const running = await runningExperiment(tx, template);
    const experiment = await startOrJoinExperiment(
      tx,
      {
        template,
        incumbent: running?.incumbent ?? incumbent,
        candidate: version,
        seed: randomInt(1, 2 ** 31 - 1),
      },
      actor,
    );
    return { suggestion: await getSuggestion(tx, id), experiment };
  });
}

/** Stops a running experiment; `promote` (one of its versions) becomes the incumbent. */
export async function stopAndPromote(
  sql: Sql,
  id: string,
  promote: string | null,
  actor: string,
): Promise<PromptExperiment> {
  return sql.begin(async (tx) => {
    const e = await getExperiment(tx, id);
    if (promote !== null && promote !== e.incumbent && !e.arms.includes(promote))
      throw new AppError('conflict', `${promote} is not an arm of this experiment.`);
    await stopExperiment(tx, id, promote, actor);
    if (promote !== null) await setIncumbent(tx, e.template, promote, actor);
    return getExperiment(tx, id);
  });
}
