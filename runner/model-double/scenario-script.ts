import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { demoFiles, type DemoFormat } from './demo-files.ts';
import {
  read,
  structured,
  text,
  write,
  type ScriptFn,
  type Turn,
  type TurnContext,
} from './script.ts';

/**
 * A model-double script that plays a competent agent through the whole pipeline: it answers the
 * planning, scoring, implementation and fix prompts (recognised by their headings) with a small,
 * valid scenario for the request. It is the embedded demo's model, and tests steer it with options
 * (scores per plan version, broken implementations, injected failures).
 */
export type Task = 'plan' | 'refine' | 'score' | 'implement' | 'fix' | 'suggest' | 'unknown';

export interface ScenarioScriptOptions {
  /** Rubric parts (0–25 each) for plan version n (1-based). Default: rising with n. */
  scores?: (version: number) => {
    completeness: number;
    feasibility: number;
    clarity: number;
    risk: number;
  };
  /** How many implementation sessions leave out a referenced file (default 0). */
  brokenImplementations?: number;
  /** How many fix sessions fail to fix it (default 0). */
  brokenFixes?: number;
  /**
   * How many implementation sessions of each scenario plant one realistic mistake that only running the scenario
   * reveals (a trailing comma in the schema): the runtime check catches it, a fix repairs it.
   * The embedded demo uses 1, so its log shows the loop working.
   */
  runtimeMistakes?: number;
  /**
   * The embedded demo: plan scores rise and then fall (version 2 is best, so "best kept" shows),
   * unless `scores` is given.
   */
  demo?: boolean;
  /** Answers instead of the script when it returns a turn (failure injection). */
  intercept?: (task: Task, ctx: TurnContext, session: number) => Turn | undefined;
}

const USAGE = { inputTokens: 1200, outputTokens: 350 };

export function taskOf(prompt: string): Task {
  const head = prompt.trimStart().split('\n', 1)[0] ?? '';
  if (head.startsWith('# Plan a Vrooli scenario')) return 'plan';
  if (head.startsWith('# Improve a Vrooli scenario plan')) return 'refine';
  if (head.startsWith('# Score a Vrooli scenario plan')) return 'score';
  if (head.startsWith('# Build a Vrooli scenario')) return 'implement';
  if (head.startsWith('# Fix the validation errors')) return 'fix';
  if (head.startsWith('# Suggest a change to a prompt template')) return 'suggest';
  return 'unknown';
}

function slugOf(prompt: string): string {
  return /Vrooli scenario `([a-z0-9]+(?:-[a-z0-9]+)*)`/.exec(prompt)?.[1] ?? 'demo-scenario';
}

function titleOf(prompt: string): string {
  return (
    /^- Title: (.+)$/m.exec(prompt)?.[1]?.trim() ||
    /^### Version \d+: (.+)$/m.exec(prompt)?.[1]?.trim() ||
    'Demo scenario'
  );
}

/** The format the prompt asks for (its guide names the profile). */
export function formatOf(prompt: string): DemoFormat {
  if (prompt.includes('2026-01-09')) return 'vrooli-2026-01-09';
  if (prompt.includes('2025-08-29')) return 'vrooli-2025-08-29';
  return 'vrooli-2025-08-07';
}

/** The files of a small scenario that runs, in the format the prompt asks for (path, content). */
export function scenarioFiles(
  slug: string,
  prompt: string,
  omitSchema: boolean,
  mistake = false,
  knownTitle?: string,
  note?: string,
): Array<[string, string]> {
  const title = knownTitle ?? titleOf(prompt);
  return demoFiles({
    slug,
    title: title === 'Demo scenario' ? slug : title,
    format: formatOf(prompt),
    omitSchema,
    mistake,
    ...(note ? { note } : {}),
  }).map((f) => [f.path, f.content]);
}

/**
 * The turns that write `files` into the workspace: a file that is already there is read first,
 * as Claude Code requires before it overwrites one.
 */
function writeTurns(files: Array<[string, string]>, cwd: string | undefined): Turn[] {
  return files.flatMap(([file, content]): Turn[] => {
    const abs = cwd === undefined ? undefined : path.join(cwd, file);
    const exists = abs !== undefined && existsSync(abs);
    // A fix leaves the files it does not need to change alone.
    if (exists && readFileSync(abs, 'utf8') === content) return [];
    const w = { ...write(file, content), usage: USAGE };
    return exists ? [{ ...read(file), usage: USAGE }, w] : [w];
  });
}

/** The title the workspace's scenario already has (a fix keeps the names it was given). */
function titleIn(cwd: string | undefined): string | undefined {
  if (!cwd) return undefined;
  try {
    const sj = JSON.parse(readFileSync(path.join(cwd, '.vrooli', 'service.json'), 'utf8')) as {
      service?: { displayName?: unknown };
    };
    return typeof sj.service?.displayName === 'string' ? sj.service.displayName : undefined;
  } catch {
    return undefined;
  }
}

export function createScenarioScript(options: ScenarioScriptOptions = {}): ScriptFn {
  let implementSessions = 0;
  let fixSessions = 0;
  // Each session's turns, decided at its first request (what the workspace held then), and its
  // number among the sessions of its task. A session is known by its workspace (its cwd): runs
  // go on at once, so "the latest session" is not the one a request belongs to.
  const turns = new Map<string, Turn[]>();
  const numbers = new Map<string, number>();
  const implementsOf = new Map<string, number>();
  return (ctx) => {
    const task = taskOf(ctx.prompt);
    const first = ctx.position === 0;
    const own = `${task}:${ctx.cwd ?? ''}`;
    if (first && task === 'implement') implementSessions++;
    if (first && task === 'fix') fixSessions++;
    if (first && ctx.cwd) {
      numbers.set(own, task === 'fix' ? fixSessions : implementSessions);
      turns.delete(own);
    }
    const session =
      (ctx.cwd ? numbers.get(own) : undefined) ??
      (task === 'fix' ? fixSessions : implementSessions);
    const injected = options.intercept?.(task, ctx, session);
    if (injected) return injected;
    switch (task) {
      case 'plan':
      case 'refine': {
        if (!first) return text('The plan is recorded.', USAGE);
        const version = 1 + (ctx.prompt.match(/^### Version \d+/gm)?.length ?? 0);
        const title = titleOf(ctx.prompt);
        return structured({
          title,
          slug: 'demo-scenario',
          summary: `A small scenario for: ${title}.`,
          resources: ['postgres'],
          plan: `plan-marker: v${version}\n\n1. Store the data in postgres (initialization/storage/schema.sql).\n2. Describe the service in .vrooli/service.json.\n3. Document usage in README.md and add test.sh.\n`,
        });
      }
      case 'score': {
        if (!first) return text('Scored.', USAGE);
        const version = Number(/plan-marker: v(\d+)/.exec(ctx.prompt)?.[1] ?? 1);
        // By default each refinement scores a little better; the demo's second version is its
        // best, so later ones score lower and the best one kept is visible.
        const d = options.demo
          ? ([17, 21, 19, 20, 18][version - 1] ?? 18)
          : Math.min(25, 16 + 2 * version);
        const parts = options.scores?.(version) ?? {
          completeness: d,
          feasibility: d,
          clarity: d - 1,
          risk: d - 2,
        };
        return structured({
          ...parts,
          critique: `Version ${version}: clear and feasible; could say more about error handling.`,
        });
      }
      case 'implement':
      case 'fix': {
        const key = ctx.cwd ? own : `${task}:${session}`;
        if (!turns.has(key)) {
          const broken =
            task === 'implement'
              ? session <= (options.brokenImplementations ?? 0)
              : session <= (options.brokenFixes ?? 0);
          // Per scenario: every scenario's first build carries the mistake (the demo serves many).
          const slug = slugOf(ctx.prompt);
          const built = (implementsOf.get(slug) ?? 0) + (task === 'implement' ? 1 : 0);
          implementsOf.set(slug, built);
          const mistake = task === 'implement' && built <= (options.runtimeMistakes ?? 0);
          const files = scenarioFiles(
            slugOf(ctx.prompt),
            ctx.prompt,
            broken,
            mistake,
            titleIn(ctx.cwd),
            // A broken fix still changes something (a note), just not what was asked.
            task === 'fix' && broken ? `Fix attempt ${session}.` : undefined,
          );
          turns.set(key, writeTurns(files, ctx.cwd));
        }
        const list = turns.get(key)!;
        return list[ctx.position] ?? text(`Wrote the scenario's files.`, USAGE);
      }
      case 'suggest':
        return first ? structured(suggestion(ctx.prompt)) : text('Suggested.', USAGE);
      default:
        return text('Nothing to do for this prompt.', USAGE);
    }
  };
}

/**
 * A suggested prompt change: the section it was shown, kept, with one rule added that names the
 * recurring problem's signature (what a careful reviewer would add).
 */
function suggestion(prompt: string): { section: string; replacement: string; rationale: string } {
  const section = /The section is headed "([^"]+)"/.exec(prompt)?.[1] ?? 'How to work';
  const current = /Its current text:\n\n([\s\S]*?)\n\n## What to deliver/.exec(prompt)?.[1] ?? '';
  const signature = /- Signature: `([^`]*)`/.exec(prompt)?.[1] ?? 'the recurring problem';
  return {
    section,
    replacement: `${current.trim()}\n- Before you finish, check every file for this recurring problem and avoid it: ${signature}.`,
    rationale: `The examples show ${signature} recurring across runs; a rule naming it in "${section}" makes the agent check for it before it finishes.`,
  };
}
