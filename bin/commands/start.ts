import { secretsOf } from '../../core/config.ts';
import { AppError, isAppError } from '../../core/errors.ts';
import { createLogger } from '../../core/log.ts';
import { startApp } from '../compose/app.ts';
import { loadConfig } from '../../core/secrets/load.ts';
import { redactText } from '../../core/secrets/redact.ts';
import type { CliCommand } from '../command.ts';
import { credentialHint } from '../../runner/env.ts';

/** `scenario-gen start`: the whole app (API, SPA, pipeline) on the configured or embedded services. */
export const command: CliCommand = {
  name: 'start',
  summary: 'Start the server (embedded Postgres, bus and store when nothing is configured)',
  usage:
    'scenario-gen start [--role all|api|worker]\n\nStarts the app and prints its URL. Settings come from the environment (see README).\nStop it with Ctrl-C.',
  async run(args, io) {
    // `--role R` is ROLE=R (all, api or worker; checked with the other settings).
    const at = args.indexOf('--role');
    const role = at >= 0 ? args[at + 1] : undefined;
    if (at >= 0 && !role)
      throw new AppError('invalid_input', 'Usage: scenario-gen start --role all|api|worker');
    const { config, env } = await loadConfig(role ? { ...io.env, ROLE: role } : io.env);
    const secrets = secretsOf(config, env);
    const log = createLogger(config.LOG_LEVEL, secrets);
    const app = await startApp(config, log, env).catch((e: unknown) => {
      // What is printed is one line with no secret in it; the stack goes to the (redacting) log.
      if (!isAppError(e)) log.error(`start failed: ${(e as Error)?.stack ?? String(e)}`);
      const message = redactText(e instanceof Error ? e.message : String(e), secrets);
      throw new AppError(isAppError(e) ? e.code : 'internal', message);
    });
    // A user logged in to `claude` is told how to make that login usable by agent sessions.
    const hint = app.demoModel ? credentialHint(env, io.env.HOME) : undefined;
    const demo = app.demoModel
      ? `No Anthropic credentials found: runs use the built-in DEMO model (scripted, offline).\n${hint ? `${hint}\n` : ''}`
      : '';
    const engine =
      app.executor === 'inngest' && config.ROLE === 'worker'
        ? 'Steps come from the Inngest server over an outbound connection (INNGEST_CONNECT).\n'
        : app.executor === 'inngest'
          ? `Runs are driven by an Inngest server (INNGEST_DEV or INNGEST_BASE_URL is set), which calls back at ${app.url}/api/inngest; without one running, runs cannot start.\n`
          : '';
    io.stdout(`${demo}${engine}Scenario Generator is running at ${app.url}\n`);
    const fatal = await Promise.race([
      // A signal that came while starting has already aborted: no 'abort' event will follow.
      new Promise<undefined>((resolve) =>
        io.signal.aborted
          ? resolve(undefined)
          : io.signal.addEventListener('abort', () => resolve(undefined), { once: true }),
      ),
      app.fatal,
    ]);
    if (fatal) io.stderr(`${redactText(fatal.message, secrets)}\n`);
    io.stdout('Stopping…\n');
    await app.stop();
    return fatal ? 1 : 0;
  },
};
