import type { DemoSpec } from './demo-files.ts';

/**
 * The contents the demo model writes, whatever the target format: the API (python3's
 * http.server), the SQL schema and seed rows, test.sh and the README. demo-files.ts lays them
 * out per format.
 */
export const tableOf = (slug: string) => `${slug.replace(/-/g, '_').slice(0, 40)}_entries`;
export const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';
const sqlText = (s: string) => s.replace(/'/g, "''");

export function server(s: DemoSpec): string {
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

export function schema(s: DemoSpec): string {
  // The planted mistake: a trailing comma, which Postgres refuses at the closing parenthesis.
  return `-- ${s.title}: the table of the scenario ${s.slug}
CREATE TABLE IF NOT EXISTS ${tableOf(s.slug)} (
  id SERIAL PRIMARY KEY,
  title TEXT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()${s.mistake ? ',' : ''}
);
`;
}

export function seed(s: DemoSpec): string {
  const t = sqlText(s.title);
  return `INSERT INTO ${tableOf(s.slug)} (title) VALUES ('${t}: first entry'), ('${t}: second entry');\n`;
}

/** test.sh: starts the API itself when nothing declared a port for it (the 2025-08-07 format). */
export function testSh(s: DemoSpec): string {
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

export function readme(s: DemoSpec): string {
  return `# ${s.title}
${s.note ? `\n${s.note}\n` : ''}
The \`${s.slug}\` scenario (written by Scenario Generator's demo model): an API with a health
route (\`/health\`) and \`/api/entries\`, which reads the \`${tableOf(s.slug)}\` table.

- Data: \`${s.format === 'vrooli-2025-08-07' ? 'initialization/storage' : 'initialization/postgres'}/schema.sql\` and \`seed.sql\`.
- Tests: \`test.sh\` checks the health route and one query.
`;
}
