#!/usr/bin/env node
import { isAppError } from '../core/errors.ts';
import { redactUrlsIn } from '../core/secrets/redact-url.ts';
import { COMMANDS, PLANNED } from './commands/index.ts';
import type { CliIo } from './command.ts';

/** `scenario-gen <command> [args]`: dispatches to bin/commands/<command>.ts. */
function help(): string {
  const width = Math.max(...[...COMMANDS, ...PLANNED].map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  const later = PLANNED.filter((p) => !COMMANDS.some((c) => c.name === p.name)).map(
    (p) => `  ${p.name.padEnd(width)}  ${p.summary} (coming)`,
  );
  return [
    'Usage: scenario-gen <command> [options]',
    '',
    'Commands:',
    ...lines,
    ...later,
    '',
    "Run `scenario-gen <command> --help` for a command's options.",
    '',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help());
    return name ? 0 : 2;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    process.stderr.write(`Unknown command "${name}".\n\n${help()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(cmd.usage + '\n');
    return 0;
  }
  const controller = new AbortController();
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => controller.abort());
  const io: CliIo = {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    signal: controller.signal,
  };
  try {
    return await cmd.run(rest, io);
  } catch (e) {
    if (isAppError(e, 'config_invalid')) {
      process.stderr.write(`${e.message}\n`);
      return 2;
    }
    process.stderr.write(
      redactUrlsIn(
        `scenario-gen ${name}: ${isAppError(e) ? e.message : ((e as Error)?.stack ?? String(e))}\n`,
      ),
    );
    return 2;
  }
}

process.exitCode = await main(process.argv.slice(2));
