/**
 * What the demo model writes: a small scenario that runs, for each target format. It need not
 * understand the request, but it takes its names from it (title, slug, table) and everything it
 * writes runs here: an API (python3's http.server) with a health route and a route that reads
 * the scenario's table, SQL with seed rows, and a test.sh that checks the health route and a
 * query. `mistake` plants one realistic error the runtime check catches (a trailing comma in the
 * schema); `omitSchema` leaves the schema out (a structural error).
 */
export type DemoFormat = 'vrooli-2025-08-07' | 'vrooli-2025-08-29' | 'vrooli-2026-01-09';

export interface DemoSpec {
  slug: string;
  title: string;
  format: DemoFormat;
  mistake?: boolean;
  omitSchema?: boolean;
  /** A line added to the README (a fix that changes something but not what was asked). */
  note?: string;
}

export type DemoFile = { path: string; content: string };

const tableOf = (slug: string) => `${slug.replace(/-/g, '_').slice(0, 40)}_entries`;
const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';
const sqlText = (s: string) => s.replace(/'/g, "''");

function server(s: DemoSpec): string {
  return `"""${s.title}: a small API for the scenario ${s.slug} (written by the demo model)."""
import http.server, json, os, subprocess, sys

TABLE = '${tableOf(s.slug)}'


def entries():
    out = subprocess.run(
        ['psql', os.environ['POSTGRES_URL'], '-tAc',
         f"SELECT coalesce(json_agg(t ORDER BY id), '[]') FROM {TABLE} t"],
        capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip() or '[]')


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == '/health':
            self.reply(200, {'status': 'healthy', 'service': '${s.slug}'})
        elif self.path == '/api/entries':
            self.reply(200, {'entries': entries()})
        else:
            self.reply(404, {'error': 'not found'})

    def reply(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, fmt, *args):
        sys.stdout.write('api: ' + (fmt % args) + '\\n')
        sys.stdout.flush()


port = int(os.environ.get('API_PORT', '8080'))
print('${s.slug} api listening on', port, flush=True)
http.server.ThreadingHTTPServer(('127.0.0.1', port), Handler).serve_forever()
`;
}

function schema(s: DemoSpec): string {
  // The planted mistake: a trailing comma, which Postgres refuses at the closing parenthesis.
  return `-- ${s.title}: the table of the scenario ${s.slug}
CREATE TABLE IF NOT EXISTS ${tableOf(s.slug)} (
  id SERIAL PRIMARY KEY,
  title TEXT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()${s.mistake ? ',' : ''}
);
`;
}

function seed(s: DemoSpec): string {
  const t = sqlText(s.title);
  return `INSERT INTO ${tableOf(s.slug)} (title) VALUES ('${t}: first entry'), ('${t}: second entry');\n`;
}

/** test.sh: starts the API itself when nothing declared a port for it (the 2025-08-07 format). */
function testSh(s: DemoSpec): string {
  const start =
    s.format === 'vrooli-2025-08-07'
      ? `port="\${API_PORT:-$((20000 + RANDOM % 20000))}"
API_PORT="$port" python3 "$(dirname "$0")/api/server.py" >/dev/null 2>&1 &
api=$!
trap 'kill $api 2>/dev/null' EXIT
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
`
      : `port="\${API_PORT:?API_PORT is set by the lifecycle}"
`;
  return `#!/usr/bin/env bash
# ${s.title}: checks the health route and one query.
set -euo pipefail
${start}curl -sf "http://127.0.0.1:$port/health" | grep -q healthy
count="$(psql "$POSTGRES_URL" -tAc 'SELECT count(*) FROM ${tableOf(s.slug)}')"
[ "$count" -ge 2 ] || { echo "expected the seed rows, found $count"; exit 1; }
curl -sf "http://127.0.0.1:$port/api/entries" | grep -q 'first entry'
echo "${s.slug}: all checks passed"
`;
}

function readme(s: DemoSpec): string {
  return `# ${s.title}
${s.note ? `\n${s.note}\n` : ''}
The \`${s.slug}\` scenario (written by Scenario Generator's demo model): an API with a health
route (\`/health\`) and \`/api/entries\`, which reads the \`${tableOf(s.slug)}\` table.

- Data: \`${s.format === 'vrooli-2025-08-07' ? 'initialization/storage' : 'initialization/postgres'}/schema.sql\` and \`seed.sql\`.
- Tests: \`test.sh\` checks the health route and one query.
`;
}

const HEALTH = {
  checks: [
    {
      name: 'api_endpoint',
      type: 'http',
      target: 'http://localhost:${API_PORT}/health',
      critical: true,
      timeout: 2000,
    },
  ],
};

function lifecycle(s: DemoSpec, setup: Array<Record<string, unknown>>, start: string) {
  return {
    version: '2.0.0',
    health: HEALTH,
    setup: {
      steps: [
        ...setup,
        { name: 'load-data', run: '../../scripts/resources/populate/populate.sh .' },
      ],
    },
    develop: { steps: [{ name: 'start-api', run: start, background: true }] },
    test: { steps: [{ name: 'run-tests', run: 'bash test.sh' }] },
    stop: { steps: [{ name: 'stop-api', run: 'echo stopping' }] },
  };
}

const service = (s: DemoSpec, extra: Record<string, unknown> = {}) => ({
  name: s.slug,
  displayName: s.title,
  description: `${s.title} (generated by the demo model)`,
  version: '1.0.0',
  ...extra,
});

/** The files, in the order the demo model writes them. */
export function demoFiles(s: DemoSpec): DemoFile[] {
  const common: DemoFile[] = [
    { path: 'api/server.py', content: server(s) },
    { path: 'README.md', content: readme(s) },
    { path: 'test.sh', content: testSh(s) },
  ];
  if (s.format === 'vrooli-2025-08-07') {
    const data = s.omitSchema
      ? []
      : [{ path: 'initialization/storage/schema.sql', content: schema(s) }];
    return [
      {
        path: '.vrooli/service.json',
        content: json({
          service: service(s, { type: 'application' }),
          resources: {
            storage: {
              postgres: {
                type: 'postgres',
                enabled: true,
                required: true,
                initialization: {
                  data: [
                    { type: 'schema', file: 'initialization/storage/schema.sql' },
                    { type: 'seed', file: 'initialization/storage/seed.sql' },
                  ],
                },
              },
            },
          },
          deployment: {
            initialization: {
              phases: [
                {
                  name: 'configuration',
                  tasks: [{ type: 'config', file: 'initialization/configuration/app-config.json' }],
                },
              ],
            },
          },
        }),
      },
      ...data,
      { path: 'initialization/storage/seed.sql', content: seed(s) },
      {
        path: 'initialization/configuration/app-config.json',
        content: json({ name: s.slug, title: s.title, features: { entries: true } }),
      },
      ...common,
    ];
  }
  const data: DemoFile[] = [
    ...(s.omitSchema ? [] : [{ path: 'initialization/postgres/schema.sql', content: schema(s) }]),
    { path: 'initialization/postgres/seed.sql', content: seed(s) },
  ];
  const ports = { api: { env_var: 'API_PORT', range: '15000-19999', fallback: 'auto' } };
  const postgres = { postgres: { type: 'postgres', enabled: true, required: true } };
  if (s.format === 'vrooli-2025-08-29') {
    return [
      {
        path: '.vrooli/service.json',
        content: json({
          version: '1.0.0',
          service: service(s, { tags: ['demo'] }),
          resources: postgres,
          ports,
          lifecycle: lifecycle(s, [], 'cd api && python3 server.py'),
        }),
      },
      ...data,
      ...common,
    ];
  }
  // 2026-01-09: the Go API is the real one where Go is installed; python3's stands in elsewhere.
  const bin = `${s.slug}-api`;
  return [
    {
      path: '.vrooli/service.json',
      content: json({
        version: '1.0.0',
        service: service(s, { tags: ['demo'] }),
        dependencies: { resources: postgres },
        ports,
        lifecycle: lifecycle(
          s,
          [
            {
              name: 'build-api',
              run: `cd api && (command -v go >/dev/null && go build -o ${bin} . || true)`,
            },
          ],
          `cd api && if [ -x ./${bin} ]; then ./${bin}; else python3 server.py; fi`,
        ),
      }),
    },
    {
      path: '.vrooli/testing.json',
      content: json({ version: '1.0.0', phases: ['structure', 'integration'] }),
    },
    ...data,
    {
      path: 'api/main.go',
      content: `// ${s.title}: the API's health route in Go (built when Go is installed).\npackage main\n\nimport (\n\t"fmt"\n\t"net/http"\n\t"os"\n)\n\nfunc main() {\n\thttp.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) {\n\t\tw.Header().Set("Content-Type", "application/json")\n\t\tfmt.Fprint(w, \`{"status":"healthy","service":"${s.slug}"}\`)\n\t})\n\thttp.ListenAndServe("127.0.0.1:"+os.Getenv("API_PORT"), nil)\n}\n`,
    },
    {
      path: 'cli/install.sh',
      content: `#!/usr/bin/env bash\n# Installs the ${s.slug} CLI (nothing to install for the demo).\necho "${s.slug}: no CLI to install"\n`,
    },
    { path: 'docs/README.md', content: `# ${s.title}: docs\n` },
    {
      path: 'requirements/README.md',
      content: `# ${s.title}: requirements\n\n- Serve /health and /api/entries.\n`,
    },
    {
      path: 'ui/index.html',
      content: `<!doctype html><title>${s.title}</title><h1>${s.title}</h1>\n`,
    },
    {
      path: 'PRD.md',
      content: `# ${s.title}\n\nA scenario that stores entries and serves them over an API.\n`,
    },
    { path: 'Makefile', content: `.PHONY: test\ntest:\n\tbash test.sh\n` },
    ...common,
  ];
}
