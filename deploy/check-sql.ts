/**
 * Layer rule dependency-cruiser cannot see: SQL is written only in db/ (and in the runtime check,
 * which creates scratch databases and applies a scenario's own SQL). Prints each tagged SQL template
 * or `.unsafe(` call found elsewhere and exits 1. Run by `npm run typecheck`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const SCAN = ['core', 'runner', 'prompts', 'inngest', 'functions', 'bin', 'deploy'];
const ALLOWED = [/^runner\/runtime\//];
const SKIP = /(\.test\.ts$|\/testing\/)/;
/** A tagged template on a database handle, or an unsafe raw query. */
const SQL = /\b(?:sql|db|tx|admin)\s*(?:<[^>`]*>)?\s*`|\.unsafe\(/;

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(path.join(ROOT, dir))) {
    const rel = path.join(dir, name);
    if (statSync(path.join(ROOT, rel)).isDirectory()) yield* files(rel);
    else if (rel.endsWith('.ts')) yield rel;
  }
}

const hits: string[] = [];
for (const top of SCAN) {
  for (const rel of files(top)) {
    if (SKIP.test(rel) || ALLOWED.some((re) => re.test(rel))) continue;
    readFileSync(path.join(ROOT, rel), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (SQL.test(line) && !/^\s*[/*]/.test(line))
          hits.push(`${rel}:${i + 1}: ${line.trim().slice(0, 120)}`);
      });
  }
}
if (hits.length > 0) {
  console.error(`SQL outside db/ (move the query into a db/ module):\n${hits.join('\n')}`);
  process.exit(1);
}
console.log('sql: every query lives in db/');
