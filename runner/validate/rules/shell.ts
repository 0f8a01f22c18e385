/**
 * A small reader of the one-line shell commands in lifecycle steps (`cd api && ./x &`). It does
 * not execute or fully parse shell: it splits a command into simple commands and their words, so
 * rules can see which files a step enters, runs or creates. Anything it cannot read statically
 * (variables, command substitution) is marked dynamic and left alone by the rules.
 */

/** One word of a simple command, quotes removed. */
export interface Word {
  text: string;
  /** Holds `$`, a backtick or `$(…)`: its value is only known at run time. */
  dynamic: boolean;
  /** Holds an unquoted glob character (`*`, `?`, `[`). */
  glob: boolean;
}

/** How a simple command is joined to the next one. */
export type Connector = '&&' | '||' | ';' | '|' | '&' | '(' | ')';

export interface Redirect {
  op: '>' | '>>' | '<';
  target: Word;
}

/** A simple command: its words, its redirections and the operator that follows it. */
export interface SimpleCommand {
  words: Word[];
  redirects: Redirect[];
  next: Connector | null;
}

interface State {
  out: SimpleCommand[];
  words: Word[];
  redirects: Redirect[];
  pendingRedirect: Redirect['op'] | null;
  word: Word | null;
}

function flushWord(s: State): void {
  if (s.word === null) return;
  if (s.pendingRedirect) {
    s.redirects.push({ op: s.pendingRedirect, target: s.word });
    s.pendingRedirect = null;
  } else s.words.push(s.word);
  s.word = null;
}

function flushCommand(s: State, next: Connector | null): void {
  flushWord(s);
  if (s.words.length > 0 || s.redirects.length > 0)
    s.out.push({ words: s.words, redirects: s.redirects, next });
  else if (next !== null && s.out.length > 0 && s.out[s.out.length - 1]!.next === null)
    s.out[s.out.length - 1]!.next = next;
  s.words = [];
  s.redirects = [];
  s.pendingRedirect = null;
}

function current(s: State): Word {
  s.word ??= { text: '', dynamic: false, glob: false };
  return s.word;
}

/** Length of a `$(…)` or backtick span starting at `i`, nesting and quotes respected. */
function substitutionEnd(text: string, i: number): number {
  if (text[i] === '`') {
    const end = text.indexOf('`', i + 1);
    return end === -1 ? text.length : end + 1;
  }
  let depth = 0;
  for (let j = i + 1; j < text.length; j++) {
    const c = text[j];
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return j + 1;
  }
  return text.length;
}

/** Splits a command line into simple commands. Comments and heredocs are not expected here. */
export function splitCommands(text: string): SimpleCommand[] {
  const s: State = { out: [], words: [], redirects: [], pendingRedirect: null, word: null };
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const two = text.slice(i, i + 2);
    if (c === "'" || c === '"') {
      const w = current(s);
      let j = i + 1;
      while (j < text.length && text[j] !== c) {
        if (c === '"' && text[j] === '\\') j++;
        else if (c === '"' && (text[j] === '$' || text[j] === '`')) w.dynamic = true;
        j++;
      }
      w.text += text.slice(i + 1, j).replace(/\\(.)/g, '$1');
      i = j + 1;
    } else if (c === '\\') {
      current(s).text += text[i + 1] ?? '';
      i += 2;
    } else if (c === '$' || c === '`') {
      const end = c === '`' || text[i + 1] === '(' ? substitutionEnd(text, i) : i + 1;
      const w = current(s);
      w.text += text.slice(i, end);
      w.dynamic = true;
      i = end;
    } else if (/\s/.test(c)) {
      if (c === '\n') flushCommand(s, ';');
      else flushWord(s);
      i++;
    } else if (two === '&&' || two === '||') {
      flushCommand(s, two);
      i += 2;
    } else if (two === '&>' || two === '>&' || c === '>' || c === '<') {
      // `2>&1`, `>&2`: a descriptor, not a file. A leading fd number belongs to the operator.
      if (s.word && /^\d+$/.test(s.word.text) && !s.word.dynamic) s.word = null;
      flushWord(s);
      const dup = /^(?:>&|&>)?\d*-?/.exec(text.slice(i))?.[0] ?? '';
      if (/^>&\d+-?$/.test(dup)) {
        i += dup.length;
        continue;
      }
      const op = c === '<' ? '<' : text.slice(i, i + 2) === '>>' ? '>>' : '>';
      i += two === '&>' || op === '>>' ? 2 : 1;
      s.pendingRedirect = op;
    } else if (c === ';' || c === '|' || c === '&' || c === '(' || c === ')') {
      flushCommand(s, c);
      i++;
    } else {
      const w = current(s);
      if (c === '*' || c === '?' || c === '[') w.glob = true;
      w.text += c;
      i++;
    }
  }
  flushCommand(s, null);
  return s.out;
}

/** Shell keywords and wrappers that precede the command they run. */
const PREFIXES = new Set([
  'if',
  'then',
  'else',
  'elif',
  'do',
  'while',
  'until',
  '!',
  '{',
  'exec',
  'nohup',
  'setsid',
  'sudo',
  'time',
  'command',
  'builtin',
]);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/**
 * The words of a simple command from the program name on: keywords (`if`, `then`), wrappers
 * (`nohup`, `sudo`, `env`, `timeout 30`) and leading `VAR=value` assignments removed.
 */
export function programWords(words: readonly Word[]): Word[] {
  let i = 0;
  while (i < words.length) {
    const w = words[i]!;
    if (PREFIXES.has(w.text) || ASSIGNMENT.test(w.text)) i++;
    else if (w.text === 'env') {
      i++;
      while (i < words.length && /^-/.test(words[i]!.text)) i++;
    } else if (w.text === 'timeout') {
      i++;
      while (i < words.length && /^-/.test(words[i]!.text)) i++;
      i++; // the duration
    } else break;
  }
  const rest = words.slice(i);
  return rest.length > 0 && ['fi', 'done', '}'].includes(rest[0]!.text) ? [] : rest;
}
