import {
  chmodSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import type { ValidationReport } from './types.ts';
import { validateScenario } from './validate.ts';

/**
 * Test helpers around the real Vrooli fixtures in ../shared/fixtures/vrooli. They throw (never
 * skip) when the fixtures are missing, so a test run without them fails.
 */

export function vrooliFixturesDir(): string {
  const dir = path.join(inject('sharedDir'), 'fixtures', 'vrooli');
  if (!existsSync(path.join(dir, 'EXPECTED.json')))
    throw new Error(`Vrooli fixtures missing at ${dir}`);
  return dir;
}

/** Fixture folder names of one era, e.g. `2025-08-07`, sorted. */
export function fixturesOfEra(era: string): string[] {
  const list = readdirSync(vrooliFixturesDir())
    .filter((f) => f.startsWith(`${era}_`))
    .sort();
  if (list.length === 0) throw new Error(`No fixtures of era ${era}`);
  return list;
}

/** The scenario's real name: the last part of `path_in_repo` in the fixture's SOURCE.json. */
export function realName(fixture: string): string {
  const source = JSON.parse(
    readFileSync(path.join(vrooliFixturesDir(), fixture, 'SOURCE.json'), 'utf8'),
  ) as { path_in_repo: string };
  const name = source.path_in_repo.split('/').pop();
  if (!name) throw new Error(`SOURCE.json of ${fixture} has no path_in_repo`);
  return name;
}

function makeWritable(p: string): void {
  const st = statSync(p);
  if (st.isDirectory()) {
    chmodSync(p, (st.mode & 0o7777) | 0o700);
    for (const e of readdirSync(p)) makeWritable(path.join(p, e));
  } else if (st.isFile()) chmodSync(p, (st.mode & 0o7777) | 0o600);
}

export interface FixtureCopy {
  /** The temp folder holding the copy. */
  root: string;
  /** The scenario copy: `<root>/<real name>`. */
  dir: string;
  name: string;
  cleanup(): void;
}

/**
 * Copies a fixture into a fresh temp folder under its real name (SOURCE.json left out, the copy
 * made owner-writable so mutation tests can edit it).
 */
export function copyFixture(fixture: string, name = realName(fixture)): FixtureCopy {
  const root = mkdtempSync(path.join(tmpdir(), 'sg-fixture-'));
  const dir = path.join(root, name);
  cpSync(path.join(vrooliFixturesDir(), fixture), dir, {
    recursive: true,
    filter: (src) => path.basename(src) !== 'SOURCE.json',
  });
  makeWritable(dir);
  return { root, dir, name, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** Reads a JSON file of a copy. */
export function readJson(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/** service.json as mutation tests edit it. */
export type Json = Record<string, any>;

/**
 * Mutation tests' one helper: copies a fixture, lets `change` edit the copy (the service.json it
 * returns, if any, is written back), and validates it with `profile`. `cleanup` removes every
 * copy made.
 */
export function fixtureMutator(profile: string): {
  mutate(
    fixture: string,
    change: (copy: FixtureCopy, sj: Json) => Json | void,
    name?: string,
  ): Promise<ValidationReport>;
  cleanup(): void;
} {
  const copies: FixtureCopy[] = [];
  return {
    async mutate(fixture, change, name) {
      const copy = copyFixture(fixture, name);
      copies.push(copy);
      const file = path.join(copy.dir, '.vrooli/service.json');
      const out = change(copy, readJson(file) as Json);
      if (out !== undefined) writeFileSync(file, JSON.stringify(out, null, 2));
      return validateScenario({ dir: copy.dir, profile });
    },
    cleanup: () => copies.forEach((c) => c.cleanup()),
  };
}

/** Rule ids of a report's findings of one severity. */
export const ruleIds = (r: ValidationReport, severity = 'error'): string[] =>
  r.findings.filter((f) => f.severity === severity).map((f) => f.ruleId);
