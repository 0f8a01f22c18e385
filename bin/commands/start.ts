import { parseConfig, secretsOf } from '../../core/config.ts';
import { createLogger } from '../../core/log.ts';
import { startApp } from '../../core/app.ts';
import type { CliCommand } from '../command.ts';
import { credentialHint } from '../../runner/env.ts';

/** `scenario-gen start`: the whole app (API, SPA, pipeline) on the configured or embedded services. */
export const command: CliCommand = {
  name: 'start',
  summary: 'Start the server (embedded Postgres, bus and store when nothing is configured)',
  usage:
    'scenario-gen start\n\nStarts the app and prints its URL. Settings come from the environment (see README).\nStop it with Ctrl-C.',
  async run(_args, io) {
    const config = parseConfig(io.env);
    const log = createLogger(config.LOG_LEVEL, secretsOf(config, io.env));
    const app = await startApp(config, log, io.env);
    // A user logged in to `claude` is told how to make that login usable by agent sessions.
    const hint = app.demoModel ? credentialHint(io.env, io.env.HOME) : undefined;
    const demo = app.demoModel
      ? `No Anthropic credentials found: runs use the built-in DEMO model (scripted, offline).\n${hint ? `${hint}\n` : ''}`
      : '';
    io.stdout(`${demo}Scenario Generator is running at ${app.url}\n`);
    await new Promise<void>((resolve) =>
      io.signal.addEventListener('abort', () => resolve(), { once: true }),
    );
    io.stdout('Stopping…\n');
    await app.stop();
    return 0;
  },
};
