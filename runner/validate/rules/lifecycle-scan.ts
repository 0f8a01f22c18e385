import path from 'node:path';
import { programWords, splitCommands, type SimpleCommand, type Word } from './shell.ts';

/**
 * What one lifecycle step touches on disk, read from its `run` command. Vrooli's lifecycle runs
 * each step with `bash -c` from the scenario folder (scripts/lib/utils/lifecycle.sh), so paths
 * are relative to the scenario, and a `cd` applies to the rest of the same step only.
 */

/** How a step uses a path. */
export type UseForm = 'cd' | 'run' | 'bash' | 'chmod' | 'node';

/** A path a step needs to exist. */
export interface PathUse {
  /** Scenario-relative POSIX path. */
  rel: string;
  form: UseForm;
  /** The command's own spelling, for messages. */
  written: string;
  /** The step goes on (or is skipped) when this fails: a later `||`, or a shell test in the step. */
  tolerated: boolean;
}

/** What a step creates, so later steps may use it. */
export interface Products {
  /** Exact files (`go build -o x`, `touch x`, `> x`, `cp a x`). */
  files: Set<string>;
  /** Folders created (`mkdir -p x`). */
  dirs: Set<string>;
  /** Folders where a build tool runs (`npm`, `make`, `go build` without -o): outputs unknown. */
  builds: Set<string>;
}

export interface StepScan {
  uses: PathUse[];
  products: Products;
}

/** Build tools whose outputs cannot be named from the command line. */
const BUILD_TOOLS = new Set([
  'npm',
  'pnpm',
  'yarn',
  'npx',
  'corepack',
  'bun',
  'make',
  'cargo',
  'tsc',
  'vite',
  'pip',
  'pip3',
  'poetry',
  'uv',
]);
const PACKAGE_MANAGERS = new Set(['npm', 'pnpm', 'yarn', 'bun']);
const INSTALL = new Set(['install', 'i', 'ci', 'add']);
const SCRIPT_RUNNERS = new Set(['bash', 'sh', 'zsh', 'source', '.']);
const SCRIPT_FILE = /\.(?:m?js|cjs|ts|py)$/;
const SHELL_TEST = /(?:^|[\s;&|(])(?:\[\[?|test)\s+-[a-zA-Z]\s/;

/** Resolves `p` against `cwd`; null when it is dynamic, absolute, a glob or leaves the scenario. */
function resolve(cwd: string | null, w: Word | undefined): string | null {
  if (cwd === null || w === undefined || w.dynamic || w.glob) return null;
  const p = w.text;
  if (p === '' || p.startsWith('/') || p.startsWith('~') || p.includes(':')) return null;
  const rel = path.posix.normalize(path.posix.join(cwd, p)).replace(/\/+$/, '');
  if (rel === '..' || rel.startsWith('../')) return null;
  return rel === '' ? '.' : rel;
}

/** First argument that is not an option. */
function firstOperand(args: readonly Word[]): Word | undefined {
  return args.find((a) => !a.text.startsWith('-'));
}

interface Cursor {
  cwd: string | null;
  tolerated: boolean;
}

function scanCommand(cmd: SimpleCommand, cur: Cursor, scan: StepScan): void {
  const use = (w: Word | undefined, form: UseForm): string | null => {
    const rel = resolve(cur.cwd, w);
    if (rel !== null && w) scan.uses.push({ rel, form, written: w.text, tolerated: cur.tolerated });
    return rel;
  };
  const produce = (w: Word | undefined, into: Set<string>): void => {
    const rel = resolve(cur.cwd, w);
    if (rel !== null) into.add(rel);
  };
  for (const r of cmd.redirects) if (r.op !== '<') produce(r.target, scan.products.files);
  const words = programWords(cmd.words);
  const [prog, ...args] = words;
  if (!prog || prog.dynamic) return;
  const name = prog.text;
  if (name === 'cd') {
    const target = firstOperand(args);
    const rel = target === undefined || target.text === '-' ? null : use(target, 'cd');
    cur.cwd = rel;
  } else if (name.includes('/')) {
    use(prog, 'run');
  } else if (SCRIPT_RUNNERS.has(name)) {
    if (!args.some((a) => a.text === '-c')) use(firstOperand(args), 'bash');
  } else if (name === 'chmod') {
    const operands = args.filter((a) => !/^-[a-zA-Z]+$/.test(a.text));
    for (const f of operands.slice(1)) use(f, 'chmod');
  } else if (name === 'node' || name === 'python' || name === 'python3') {
    const script = firstOperand(args);
    if (script && SCRIPT_FILE.test(script.text)) use(script, 'node');
  } else if (name === 'go' && args[0]?.text === 'build') {
    const o = args.findIndex((a) => a.text === '-o' || a.text.startsWith('-o='));
    if (o === -1) {
      if (cur.cwd !== null) scan.products.builds.add(cur.cwd);
    } else {
      const flag = args[o]!;
      const out = flag.text === '-o' ? args[o + 1] : { ...flag, text: flag.text.slice(3) };
      produce(out, scan.products.files);
    }
  } else if (BUILD_TOOLS.has(name)) {
    if (cur.cwd === null) return;
    const [tool, sub] =
      name === 'corepack' ? [args[0]?.text, args[1]?.text] : [name, args[0]?.text];
    // An install only fills node_modules; `npm run build`, `make`, … may write anything.
    if (tool !== undefined && PACKAGE_MANAGERS.has(tool) && (sub === undefined || INSTALL.has(sub)))
      scan.products.dirs.add(path.posix.join(cur.cwd, 'node_modules'));
    else scan.products.builds.add(cur.cwd);
  } else if (name === 'mkdir') {
    for (const d of args.filter((a) => !a.text.startsWith('-'))) produce(d, scan.products.dirs);
  } else if (name === 'touch') {
    for (const f of args.filter((a) => !a.text.startsWith('-'))) produce(f, scan.products.files);
  } else if (name === 'cp' || name === 'mv' || name === 'ln' || name === 'install') {
    const operands = args.filter((a) => !a.text.startsWith('-'));
    if (operands.length >= 2) produce(operands[operands.length - 1], scan.products.files);
  }
}

/**
 * Reads one step's `run` command: the paths it enters, runs or chmods, and what it creates.
 * A path written after a `cd` into a folder that cannot be resolved statically is not reported.
 */
export function scanStep(run: string): StepScan {
  const scan: StepScan = {
    uses: [],
    products: { files: new Set(), dirs: new Set(), builds: new Set() },
  };
  const commands = splitCommands(run);
  const guarded = SHELL_TEST.test(run);
  const cur: Cursor = { cwd: '.', tolerated: guarded };
  commands.forEach((cmd, i) => {
    // `a && b || c`: a failure of a or b is handled by c, so the step does not fail on it.
    cur.tolerated = guarded || commands.slice(i).some((c) => c.next === '||');
    scanCommand(cmd, cur, scan);
  });
  return scan;
}

/** Merges step products into an accumulator. */
export function mergeProducts(into: Products, from: Products): void {
  for (const f of from.files) into.files.add(f);
  for (const d of from.dirs) into.dirs.add(d);
  for (const b of from.builds) into.builds.add(b);
}

/** Output folders of build tools: a path under one of these, below a build folder, may be built. */
const BUILD_OUTPUT_DIRS = new Set([
  'dist',
  'build',
  'out',
  'bin',
  'target',
  'node_modules',
  '.next',
  '.output',
  '.svelte-kit',
  'vendor',
]);

/**
 * True when `rel` may be created by the steps' products: named exactly, inside a created folder,
 * or a build output (an output folder or an extension-less binary) of a folder where a build
 * tool runs.
 */
export function mayBeProduced(products: Products, rel: string): boolean {
  if (products.files.has(rel) || products.dirs.has(rel)) return true;
  for (const d of products.dirs) if (rel.startsWith(`${d}/`)) return true;
  for (const b of products.builds) {
    const inner = b === '.' ? rel : rel.startsWith(`${b}/`) ? rel.slice(b.length + 1) : null;
    if (inner === null) continue;
    const first = inner.split('/')[0]!;
    if (BUILD_OUTPUT_DIRS.has(first) || (!inner.includes('/') && !inner.includes('.'))) return true;
  }
  return false;
}
