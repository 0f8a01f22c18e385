import type { Config } from '../config.ts';

/**
 * Every secret value the app knows of (configured keys and tokens, passwords inside URLs, agent
 * credentials, the Vault token): logs, transcripts, events and error messages are redacted
 * against this list. `env` is the resolved environment (core/secrets/load.ts).
 */
export function secretsOf(config: Config, env: Record<string, string | undefined>): string[] {
  const out = [
    config.ACCESS_TOKEN,
    config.WEBHOOK_SECRET,
    config.S3_ACCESS_KEY,
    config.S3_SECRET_KEY,
    config.INNGEST_SIGNING_KEY,
    config.INNGEST_EVENT_KEY,
    config.UPSTASH_REDIS_REST_TOKEN,
    env.ANTHROPIC_API_KEY,
    env.CLAUDE_CODE_OAUTH_TOKEN,
    env.VAULT_TOKEN,
  ];
  for (const url of [config.DATABASE_URL, config.REDIS_URL]) {
    if (!url) continue;
    try {
      const { password } = new URL(url);
      // Both forms: a URL logged as given shows the percent-encoded one.
      if (password) out.push(decodeURIComponent(password), password);
    } catch {
      /* validated at parse time */
    }
  }
  return [...new Set(out)].filter((s): s is string => typeof s === 'string' && s.length >= 6);
}
