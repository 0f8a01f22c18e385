import { parseConfig, type Config } from '../config.ts';
import { resolveSecrets, type ResolveOptions } from './resolve.ts';

/** The parsed config and the environment with every secret resolved (agents take theirs from it). */
export interface Loaded {
  config: Config;
  env: Record<string, string | undefined>;
}

/**
 * How the commands load their settings: secrets resolved from files and Vault first, then the
 * one parse of the config, which records where each secret came from.
 */
export async function loadConfig(
  env: Record<string, string | undefined>,
  options: ResolveOptions & { cwd?: string } = {},
): Promise<Loaded> {
  const resolved = await resolveSecrets(env, options);
  return { config: parseConfig(resolved.env, options.cwd, resolved.sources), env: resolved.env };
}
