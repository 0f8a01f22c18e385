import type { CliCommand } from '../command.ts';
import { command as agent } from './agent.ts';
import { command as bench } from './bench.ts';
import { command as change } from './change.ts';
import { command as exportData } from './export.ts';
import { command as generate } from './generate.ts';
import { command as importData } from './import.ts';
import { command as runs } from './runs.ts';
import { command as migrate } from './migrate.ts';
import { command as start } from './start.ts';
import { command as token } from './token.ts';
import { command as user } from './user.ts';
import { command as validate } from './validate.ts';

/** Every sub-command, in the order `--help` lists them. */
export const COMMANDS: CliCommand[] = [
  start,
  migrate,
  user,
  token,
  generate,
  change,
  runs,
  validate,
  agent,
  bench,
  exportData,
  importData,
];

/** Commands planned but not yet built, shown in `--help` so users know what is coming. */
export const PLANNED: Array<{ name: string; summary: string }> = [
  { name: 'validate', summary: 'Validate a scenario folder against a target-format profile' },
  { name: 'agent', summary: 'Run one Claude Code session and print its normalised outcome' },
  {
    name: 'generate',
    summary: 'Ask a running server to generate a scenario and follow its progress',
  },
  { name: 'runs', summary: 'List recent runs on a running server' },
];
