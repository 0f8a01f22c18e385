import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Small scenarios for the runtime check's tests and benchmark, written into temporary folders:
 * a real API (python3's http.server) on its declared port with a health route, SQL with seed
 * data, and a test.sh that checks the health route, one query and Redis. Variants break one
 * thing each.
 */

export type Variant =
  | 'runnable'
  | 'sql-error'
  | 'seed-error'
  | 'unbuilt-binary'
  | 'failing-test'
  | 'needs-ollama'
  | 'needs-go'
  | 'era-0807'
  | 'trivial';

export interface BuiltScenario {
  root: string;
  dir: string;
  name: string;
  cleanup(): void;
}

const SERVER = `import http.server, os, sys

class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        code = 200 if self.path in ('/health', '/') else 404
        body = b'{"status":"healthy"}' if code == 200 else b'{"error":"not found"}'
        self.send_response(code)
        self.send_header('Content-Type', 'application/json')
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, fmt, *args):
        sys.stdout.write('api: ' + (fmt % args) + '\\n')
        sys.stdout.flush()

port = int(os.environ['API_PORT'])
print('api listening on', port, flush=True)
http.server.HTTPServer(('127.0.0.1', port), Handler).serve_forever()
`;

const SCHEMA = `-- Items of the demo scenario
CREATE TABLE items (
  id SERIAL PRIMARY KEY,
  name TEXT NOT NULL
);
`;

const BROKEN_SCHEMA = `-- Items of the demo scenario
CREATE TABLE items (
  id SERIAL PRIMARY KEY,
  name TEXT NOT NULL,
);
`;

const SEED = `INSERT INTO items (name) VALUES ('first'), ('second');\n`;

const DUPLICATE_SEED = `INSERT INTO items (id, name) VALUES (1, 'first');
-- the same id again
INSERT INTO items (id, name) VALUES (1, 'again');
`;

const TEST_SH = `#!/usr/bin/env bash
set -euo pipefail
curl -sf "http://127.0.0.1:\${API_PORT}/health" | grep -q healthy
count="$(psql -tAc 'select count(*) from items')"
[ "$count" = 2 ] || { echo "expected 2 items, got $count"; exit 1; }
redis-cli -u "$REDIS_URL" set "demo:$POSTGRES_DB" ok >/dev/null
[ "$(redis-cli -u "$REDIS_URL" get "demo:$POSTGRES_DB")" = ok ]
# The server's environment must not reach the scenario.
[ -z "\${SG_SECRET_CANARY:-}" ] || { echo "a server secret leaked"; exit 1; }
[ -z "\${DATABASE_URL:-}" ] || { echo "DATABASE_URL leaked"; exit 1; }
echo "all checks passed"
echo "uid=$(id -u) db=$POSTGRES_DB redis=$REDIS_DB port=$API_PORT home=$HOME"
`;

function serviceJson(name: string, variant: Variant): Record<string, unknown> {
  const startApi =
    variant === 'unbuilt-binary' || variant === 'needs-go'
      ? 'cd api && ./demo-api'
      : 'cd api && python3 server.py';
  const tests: Array<Record<string, unknown>> = [
    { name: 'test-health', run: 'curl -sf http://localhost:${API_PORT}/health' },
  ];
  if (variant === 'failing-test')
    tests.push({ name: 'test-items', run: 'curl -sf http://localhost:${API_PORT}/items' });
  const setup: Array<Record<string, unknown>> = [
    { name: 'add-data', run: '../../scripts/resources/populate/populate.sh .' },
    {
      name: 'check-qdrant',
      run: 'vrooli resource qdrant status || echo "qdrant skipped (not critical)"',
    },
  ];
  if (variant === 'needs-go')
    setup.push({ name: 'build-api', run: 'cd api && go build -o demo-api .' });
  const resources: Record<string, unknown> = {
    postgres: { type: 'postgres', enabled: true, required: true },
    redis: { type: 'redis', enabled: true, required: true },
  };
  if (variant === 'needs-ollama')
    resources['ollama'] = {
      type: 'ollama',
      enabled: true,
      required: true,
      models: ['llama3.2:3b'],
    };
  return {
    version: '1.0.0',
    service: {
      name,
      displayName: 'Demo Items',
      description: 'A small API with a health route, for the runtime check',
      version: '1.0.0',
      tags: ['test'],
    },
    ports: { api: { env_var: 'API_PORT', range: '15000-19999', description: 'API port' } },
    resources,
    lifecycle: {
      version: '2.0.0',
      health: {
        checks: [
          {
            name: 'api_endpoint',
            type: 'http',
            target: 'http://localhost:${API_PORT}/health',
            critical: true,
            timeout: 2000,
          },
        ],
      },
      setup: { steps: setup },
      develop: {
        steps: [
          { name: 'start-api', run: startApi, background: true },
          // A process that leaves its group: the sweep must still find it.
          { name: 'start-worker', run: 'setsid sleep 600 & sleep 600', background: true },
        ],
      },
      test: { steps: tests },
      stop: { steps: [{ name: 'stop', run: 'true' }] },
    },
  };
}

function put(dir: string, rel: string, text: string, mode = 0o644): void {
  const file = path.join(dir, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  chmodSync(file, mode);
}

/** Writes one scenario (profile vrooli-2025-08-29) into a new temporary folder. */
export function buildScenario(variant: Variant, name = 'demo-items'): BuiltScenario {
  const root = mkdtempSync(path.join(tmpdir(), 'sg-rt-test-'));
  const dir = path.join(root, name);
  if (variant === 'trivial') {
    put(dir, '.vrooli/service.json', JSON.stringify(trivialService(name), null, 2));
    put(dir, 'README.md', '# Trivial\n\nProvisioning only.\n');
  } else if (variant === 'era-0807') {
    put(dir, '.vrooli/service.json', JSON.stringify(service0807(name), null, 2));
    put(dir, 'README.md', '# Demo Items\n\nThe 2025-08-07 format: no lifecycle.\n');
    put(dir, 'initialization/storage/schema.sql', SCHEMA);
    put(dir, 'initialization/storage/seed.sql', SEED);
    put(dir, 'test.sh', TEST_0807, 0o755);
  } else {
    put(dir, '.vrooli/service.json', JSON.stringify(serviceJson(name, variant), null, 2));
    put(dir, 'README.md', '# Demo Items\n\nA small API with a health route.\n');
    put(dir, 'api/server.py', SERVER);
    put(
      dir,
      'initialization/postgres/schema.sql',
      variant === 'sql-error' ? BROKEN_SCHEMA : SCHEMA,
    );
    put(dir, 'initialization/postgres/seed.sql', variant === 'seed-error' ? DUPLICATE_SEED : SEED);
    put(dir, 'test.sh', TEST_SH, 0o755);
  }
  return { root, dir, name, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

const TEST_0807 = `#!/usr/bin/env bash
set -euo pipefail
[ "$(psql -tAc 'select count(*) from items')" = 2 ]
echo "items seeded"
`;

/** The 2025-08-07 format: categorised resources, `initialization.data`, no lifecycle. */
function service0807(name: string): Record<string, unknown> {
  const data = ['schema', 'seed'].map((type) => ({
    type,
    file: `initialization/storage/${type}.sql`,
  }));
  return {
    version: '1.0.0',
    service: {
      name,
      displayName: 'Demo Items',
      description: 'Items in a table, checked by test.sh',
      version: '1.0.0',
      type: 'business-application',
    },
    resources: {
      storage: {
        postgres: { type: 'postgresql', enabled: true, required: true, initialization: { data } },
      },
    },
  };
}

/** Postgres and Redis, no steps: what the benchmark measures is the check's own overhead. */
function trivialService(name: string): Record<string, unknown> {
  return {
    version: '1.0.0',
    service: { name, displayName: 'Trivial', description: 'Resources only', version: '1.0.0' },
    resources: {
      postgres: { type: 'postgres', enabled: true, required: true },
      redis: { type: 'redis', enabled: true, required: true },
    },
    lifecycle: { version: '2.0.0', setup: { steps: [] }, develop: { steps: [] } },
  };
}
