import * as v from 'valibot';
import { argv, bool, duration, inngestDev, int, list, prices, text, url } from './config-values.ts';

/**
 * The table of every setting: its schema (core/config-values.ts), meaning and default, in the
 * order the README's settings table lists them. core/config.ts parses the environment with it.
 */
export interface Field<T> {
  schema: v.GenericSchema<string, T>;
  default?: string;
  meaning: string;
}
interface Defaulted<T> extends Field<T> {
  default: string;
}
function f<T>(schema: v.GenericSchema<string, T>, meaning: string): Field<T>;
function f<T>(schema: v.GenericSchema<string, T>, meaning: string, def: string): Defaulted<T>;
function f<T>(schema: v.GenericSchema<string, T>, meaning: string, def?: string): Field<T> {
  return def === undefined ? { schema, meaning } : { schema, meaning, default: def };
}

export const FIELDS = {
  HOST: f(
    text,
    'Address the HTTP server binds. Anything but loopback requires AUTH_MODE=accounts or ACCESS_TOKEN.',
    '127.0.0.1',
  ),
  PORT: f(int(0, 65535), 'HTTP port (0 picks a free one).', '3000'),
  ACCESS_TOKEN: f(
    v.pipe(v.string(), v.minLength(16, 'at least 16 characters')),
    'Bearer token every API call must carry (with AUTH_MODE=accounts: a global administrator token).',
  ),
  AUTH_MODE: f(
    v.picklist(['none', 'accounts'], 'one of none, accounts'),
    '`none`: one implicit local administrator (loopback, or ACCESS_TOKEN). `accounts`: users, sessions, API tokens and campaign roles.',
    'none',
  ),
  SESSION_TTL: f(duration, 'How long a browser session lasts after sign-in.', '12h'),
  DATA_DIR: f(
    text,
    'Folder for the embedded database, the filesystem object store and runner workspaces.',
    './data',
  ),
  DATABASE_URL: f(
    url(['postgres:', 'postgresql:'], 'postgres://user:password@host:5432/db'),
    'PostgreSQL connection URL. Unset: an embedded Postgres under DATA_DIR/pg on a free port.',
  ),
  DATABASE_POOL_SIZE: f(int(1, 100), 'Connections in the Postgres pool.', '10'),
  REDIS_URL: f(
    url(['redis:', 'rediss:'], 'redis://:password@host:6379'),
    'Redis URL for the progress bus (streams + pub/sub). Unset: an in-process bus.',
  ),
  BUS: f(
    v.picklist(['memory', 'redis', 'upstash'], 'one of memory, redis, upstash'),
    'The progress bus: `memory` (in-process), `redis` (REDIS_URL, TCP) or `upstash` (UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN, HTTP; the one an edge runtime can use). Unset: redis when REDIS_URL is set, else upstash when UPSTASH_REDIS_REST_URL is, else memory.',
  ),
  UPSTASH_REDIS_REST_URL: f(
    url(['https:', 'http:'], 'https://example.upstash.io'),
    "Upstash Redis REST URL for the progress bus (BUS=upstash). It keeps the Redis bus's keys, so an edge app on Upstash's REST API and workers on its Redis URL share progress.",
  ),
  UPSTASH_REDIS_REST_TOKEN: f(text, 'Upstash Redis REST token (with UPSTASH_REDIS_REST_URL).'),
  BUS_POLL_INTERVAL: f(
    duration,
    'With BUS=upstash: how often a live viewer polls its progress stream (HTTP has no push; each poll is one command).',
    '250ms',
  ),
  BUS_REPLAY_SIZE: f(
    int(10, 1_000_000),
    'Events kept per topic for replay to reconnecting viewers.',
    '2000',
  ),
  S3_ENDPOINT: f(
    url(['http:', 'https:'], 'http://127.0.0.1:9000'),
    'S3/MinIO endpoint for artifacts, e.g. http://127.0.0.1:9000. Unset: files under DATA_DIR/objects.',
  ),
  S3_ACCESS_KEY: f(text, 'S3/MinIO access key (with S3_ENDPOINT).'),
  S3_SECRET_KEY: f(text, 'S3/MinIO secret key (with S3_ENDPOINT).'),
  S3_BUCKET: f(
    v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name')),
    'Bucket for artifacts.',
    'scenario-artifacts',
  ),
  S3_REGION: f(text, 'S3 region.', 'us-east-1'),
  MAX_BODY_BYTES: f(
    int(1024, 100 * 1024 * 1024),
    'Largest accepted request body, in bytes.',
    '1048576',
  ),
  SSE_HEARTBEAT: f(
    duration,
    'Interval of heartbeat comments on live event streams (keeps proxies from closing them).',
    '15s',
  ),
  ROLE: f(
    v.picklist(['all', 'api', 'worker'], 'one of all, api, worker'),
    '`all`: API and pipeline in one process. `api`: serves HTTP, SSE and /api/inngest and never executes runs. `worker`: executes runs (the local executor; under Inngest, the steps it receives over INNGEST_CONNECT) and serves only /api/health and /api/ready. With several processes on one database, share Postgres, Redis (REDIS_URL) and the object store (S3_ENDPOINT).',
    'all',
  ),
  LOG_LEVEL: f(
    v.picklist(['debug', 'info', 'warn', 'error'], 'one of debug, info, warn, error'),
    'Log verbosity.',
    'info',
  ),
  OTEL_EXPORTER_OTLP_ENDPOINT: f(
    url(['http:', 'https:'], 'http://127.0.0.1:4318'),
    'OpenTelemetry collector (OTLP/HTTP). When set, each finished run is exported as a trace (run, phases, agent sessions, GenAI attributes) and agent sessions get Claude Code telemetry turned on.',
  ),
  OTEL_SERVICE_NAME: f(text, 'service.name of exported traces.', 'scenario-generator'),
  SEED_SAMPLES: f(
    bool,
    'Add the two sample campaigns on the first start of an empty database.',
    'true',
  ),
  RUN_CONCURRENCY: f(int(1, 64), 'Pipeline runs executing at once (global).', '2'),
  RUN_CHECK: f(
    v.picklist(['required', 'advisory', 'off'], 'one of required, advisory, off'),
    'The runtime check after validation: `required` deploys only a scenario that ran and passed; `advisory` deploys a structurally valid one and shows its evidence level; `off` skips it.',
    'required',
  ),
  AGENT_CONCURRENCY: f(
    int(1, 64),
    'Agent sessions (CLI processes) running at once in this runner. Unset: RUN_CONCURRENCY.',
  ),
  CAMPAIGN_CONCURRENCY: f(int(1, 64), 'Pipeline runs executing at once per campaign.', '2'),
  USAGE_LIMIT_BACKOFF: f(
    duration,
    'How long a run sleeps after a usage limit when the agent gives no reset time.',
    '15m',
  ),
  SPEND_CAP_RECHECK: f(
    duration,
    'How often a run paused by a spending cap looks again whether the cap was raised.',
    '1m',
  ),
  CLAUDE_BIN: f(
    text,
    "Path of the `claude` binary. Unset: PATH, then the project's own @anthropic-ai/claude-code.",
  ),
  AGENT: f(
    v.picklist(['claude-code', 'codex'], 'one of claude-code, codex'),
    'The coding agent for runs whose scenario, campaign and Settings page do not choose one: `claude-code` (Claude Code CLI) or `codex` (OpenAI Codex CLI).',
    'claude-code',
  ),
  CODEX_BIN: f(
    text,
    "Path of the `codex` binary. Unset: PATH, then the project's own @openai/codex.",
  ),
  CODEX_MODEL: f(
    text,
    'Model for Codex CLI sessions whose scenario names no model, or a Claude model.',
    'gpt-5.5',
  ),
  CODEX_PRICES: f(
    prices,
    'Codex CLI reports tokens, not cost: USD per million tokens per model (`*` for any other), as JSON, for the estimated cost and the budget cap. Set it to your price list.',
    '{"*":{"input":1.25,"cachedInput":0.125,"output":10}}',
  ),
  AGENT_ENV_ALLOWLIST: f(
    list,
    'Environment variables passed to agent processes (comma list). Nothing else from the server environment reaches them.',
    'PATH,LANG,ANTHROPIC_API_KEY,CLAUDE_CODE_OAUTH_TOKEN,ANTHROPIC_BASE_URL,HTTP_PROXY,HTTPS_PROXY,NO_PROXY,http_proxy,https_proxy,no_proxy,CLAUDE_CODE_MAX_RETRIES,OPENAI_API_KEY,OPENAI_BASE_URL,CODEX_API_KEY',
  ),
  AGENT_USER: f(
    v.pipe(
      v.string(),
      v.regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'a user name (a-z, 0-9, _ and -, at most 32)'),
    ),
    "When the server runs as root: the unprivileged user that agent sessions, the external validator and deploy commands run as (created on first start when missing). It owns only each session's workspace and HOME.",
    'scenario-agent',
  ),
  AGENT_MODEL: f(
    text,
    'Default model for agent sessions (a scenario may override it).',
    'claude-sonnet-4-5',
  ),
  DEMO_MODEL: f(
    v.picklist(['auto', 'on', 'off'], 'one of auto, on, off'),
    'Demo model: `auto` uses it when no Anthropic credentials are set; `on` always; `off` never.',
    'auto',
  ),
  TRANSCRIPT_CAP_BYTES: f(
    int(1024, 1024 * 1024 * 1024),
    'Largest agent transcript stored per session; past it a truncation marker is written.',
    '20971520',
  ),
  TRANSCRIPT_RETENTION_DAYS: f(
    int(0, 36500),
    'Days a transcript is kept after its session ended; hourly housekeeping deletes older ones from the object store and marks the session rows. 0 keeps them for ever.',
    '0',
  ),
  BUNDLE_RETENTION: f(
    int(0, 10000),
    'Bundles and archives kept per scenario, in deployed versions: the last N deployed runs keep theirs and every bundle they, their retries and rollbacks use (the deployed one always); hourly housekeeping deletes older ones and marks them (a rollback to one says so). 0 keeps all.',
    '0',
  ),
  DEFAULT_PROFILE: f(text, 'Target format for new scenarios.', 'vrooli-2025-08-07'),
  EXTERNAL_VALIDATOR: f(
    argv,
    'Extra validator command as a JSON argv array, run on an isolated copy; `{name}` is replaced by the scenario name. E.g. ["bash","scripts/scenarios/tools/scenario-to-app.sh","{name}","--dry-run"].',
  ),
  DEPLOY_TARGET: f(
    v.picklist(['archive', 'vrooli', 'command'], 'one of archive, vrooli, command'),
    'Where a validated scenario goes: an archive in the object store, a Vrooli checkout (VROOLI_ROOT), or DEPLOY_COMMAND.',
    'archive',
  ),
  VROOLI_ROOT: f(
    text,
    'Vrooli checkout to deploy into (DEPLOY_TARGET=vrooli) and where an external validator runs.',
  ),
  RUNTIME_COMMAND: f(
    argv,
    'With VROOLI_ROOT: your own runtime check as a JSON argv array, run on an isolated copy (its scripts/ from VROOLI_ROOT); `{name}` and `{dir}` are replaced.',
  ),
  RUNTIME_COMMAND_MODE: f(
    v.picklist(['after', 'instead'], 'one of after, instead'),
    'RUNTIME_COMMAND runs `after` the built-in runtime check (unless that failed) or `instead` of it.',
    'after',
  ),
  DEPLOY_COMMAND: f(
    argv,
    'Deploy command as a JSON argv array (DEPLOY_TARGET=command); `{dir}` and `{name}` are replaced.',
  ),
  DEPLOY_OVERWRITE: f(
    bool,
    'Allow a deploy to replace an existing scenario of the same name.',
    'false',
  ),
  INNGEST_DEV: f(
    inngestDev,
    'Set (1 or a dev server URL) to serve the stage functions to an Inngest dev server at /api/inngest.',
  ),
  INNGEST_BASE_URL: f(
    url(['http:', 'https:'], 'http://127.0.0.1:8288'),
    'Self-hosted Inngest server URL; with INNGEST_SIGNING_KEY and INNGEST_EVENT_KEY.',
  ),
  INNGEST_SIGNING_KEY: f(text, 'Inngest signing key (served mode).'),
  INNGEST_EVENT_KEY: f(text, 'Inngest event key (served mode).'),
  INNGEST_CONNECT: f(
    bool,
    'Served mode, ROLE=worker: connect outbound to the Inngest server over a WebSocket (no inbound port needed; at most AGENT_CONCURRENCY steps at once) instead of being called at /api/inngest. Off: processes are called in (ROLE=all or api serve /api/inngest).',
    'false',
  ),
  INNGEST_INSTANCE_ID: f(
    text,
    'With INNGEST_CONNECT: the stable id this worker connects as. Unset: hostname-pid.',
  ),
  INNGEST_CONNECT_GATEWAY_URL: f(
    url(['ws:', 'wss:'], 'ws://inngest:8289/v0/connect'),
    "With INNGEST_CONNECT: the connect gateway's WebSocket URL as this worker reaches it, when it differs from the one the server names (a self-hosted server behind a proxy or on another network). Unset: the server's.",
  ),
  WEBHOOK_SECRET: f(
    v.pipe(v.string(), v.minLength(16, 'at least 16 characters')),
    'HMAC secret for POST /api/hooks/generate. Unset: the webhook is disabled.',
  ),
} as const;
