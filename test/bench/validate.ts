/**
 * Benchmark: validates a generated 2,000-file scenario (valid 2025-08-07 layout, every data file
 * referenced from service.json so each one is resolved, read and parsed) several times and prints
 * `{ files, runs, medianMs, p95Ms, maxRssMb }`. Target: under 1 s per validation.
 *
 *   node test/bench/validate.ts [runs]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { validateScenario } from '../../runner/validate/validate.ts';

const TOTAL_FILES = 2000;
const runs = Number(process.argv[2] ?? 10);

function generate(root: string): number {
  const dir = path.join(root, 'bench-scenario');
  const put = (rel: string, text: string, mode = 0o644): void => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text, { mode });
  };
  put('README.md', '# Bench scenario\n\nGenerated for the validator benchmark.\n');
  put('test.sh', '#!/usr/bin/env bash\nexit 0\n', 0o755);
  const budget = TOTAL_FILES - 3; // README, test.sh and service.json
  const sql = Math.floor(budget * 0.2);
  const configs = Math.floor(budget * 0.2);
  const workflows = budget - sql - configs;
  const data = Array.from({ length: sql }, (_, i) => {
    const file = `initialization/storage/sql/${String(i).padStart(4, '0')}.sql`;
    put(
      file,
      `create table if not exists t${i} (id serial primary key, name text not null);\ninsert into t${i} (name) values ('row ${i}');\n`,
    );
    return { type: 'schema', file };
  });
  const flows = Array.from({ length: workflows }, (_, i) => {
    const file = `initialization/automation/n8n/group-${i % 20}/workflow-${i}.json`;
    const nodes = Array.from({ length: 8 }, (_, n) => ({
      id: `n${n}`,
      name: `Step ${n}`,
      type: 'n8n-nodes-base.set',
      parameters: { value: `{{ $json.v${n} }}` },
    }));
    put(file, JSON.stringify({ name: `workflow ${i}`, nodes, connections: {} }, null, 2));
    return { name: `workflow-${i}`, file, enabled: true };
  });
  const tasks = Array.from({ length: configs }, (_, i) => {
    const file = `initialization/configuration/config-${i}.json`;
    put(
      file,
      JSON.stringify({ key: `setting-${i}`, enabled: i % 2 === 0, limits: { max: i, min: 0 } }),
    );
    return { name: `load-config-${i}`, type: 'config', file };
  });
  put(
    '.vrooli/service.json',
    JSON.stringify(
      {
        version: '1.0.0',
        service: {
          name: 'bench-scenario',
          displayName: 'Bench',
          version: '1.0.0',
          type: 'business-application',
        },
        resources: {
          storage: {
            postgres: {
              type: 'postgresql',
              enabled: true,
              required: true,
              initialization: { data },
            },
          },
          automation: {
            n8n: { enabled: true, required: true, initialization: { workflows: flows } },
          },
        },
        deployment: { initialization: { phases: [{ name: 'configuration', tasks }] } },
      },
      null,
      2,
    ),
  );
  return sql + configs + workflows + 3;
}

const root = mkdtempSync(path.join(tmpdir(), 'sg-bench-validate-'));
try {
  const files = generate(root);
  const dir = path.join(root, 'bench-scenario');
  const warm = await validateScenario({ dir, profile: 'vrooli-2025-08-07' });
  if (!warm.valid)
    throw new Error(
      `The generated scenario should be valid: ${JSON.stringify(warm.findings.slice(0, 5))}`,
    );
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const report = await validateScenario({ dir, profile: 'vrooli-2025-08-07' });
    times.push(performance.now() - t);
    if (!report.valid) throw new Error('verdict changed between runs');
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)]!;
  const round = (n: number) => Math.round(n * 10) / 10;
  console.log(
    JSON.stringify({
      files,
      runs,
      medianMs: round(
        times.length % 2
          ? times[(times.length - 1) / 2]!
          : (times[times.length / 2 - 1]! + times[times.length / 2]!) / 2,
      ),
      p95Ms: round(at(0.95)),
      maxRssMb: round(process.resourceUsage().maxRSS / 1024),
    }),
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
