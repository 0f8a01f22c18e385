import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { isObject, jsonPath, parseJsonLenient } from '../../validate/json.ts';
import type { FindingInput } from '../../validate/types.ts';

/**
 * Workflows checked for internal consistency, the way n8n would import them: every JSON file
 * under `initialization/` that holds an n8n workflow (`nodes` array, `connections` object) must
 * name each node once, and every connection must start and end at a node that exists. Files
 * that do not parse are the structural check's business.
 */

const MAX_FILES = 2000;
const MAX_BYTES = 5 * 1024 * 1024;

async function jsonFiles(dir: string, rel: string, out: string[]): Promise<void> {
  const entries = await readdir(path.join(dir, rel), { withFileTypes: true }).catch(() => []);
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (out.length >= MAX_FILES) return;
    const child = `${rel}/${e.name}`;
    if (e.isDirectory()) await jsonFiles(dir, child, out);
    else if (e.isFile() && e.name.toLowerCase().endsWith('.json')) out.push(child);
  }
}

/** Findings for one parsed n8n workflow. */
export function checkN8nWorkflow(file: string, value: unknown): FindingInput[] {
  if (!isObject(value) || !Array.isArray(value['nodes']) || !isObject(value['connections']))
    return [];
  const findings: FindingInput[] = [];
  const names = new Set<string>();
  value['nodes'].forEach((node, i) => {
    if (!isObject(node) || typeof node['name'] !== 'string') return;
    if (names.has(node['name']))
      findings.push({
        severity: 'error',
        ruleId: 'runtime.workflow.duplicate-node',
        file,
        jsonPath: jsonPath(['nodes', i, 'name']),
        message: `Workflow ${file} has two nodes named "${node['name']}"; n8n connects nodes by name.`,
        hint: 'Give every node a unique name and update the connections.',
      });
    names.add(node['name']);
  });
  const missing = (at: (string | number)[], name: string, role: string): void => {
    findings.push({
      severity: 'error',
      ruleId: 'runtime.workflow.connection',
      file,
      jsonPath: jsonPath(at),
      message: `Workflow ${file} connects ${role} "${name}", which is not one of its nodes.`,
      hint: `Connections name nodes by their "name"; known nodes: ${[...names].slice(0, 10).join(', ') || 'none'}.`,
    });
  };
  for (const [source, outputs] of Object.entries(value['connections'])) {
    if (!names.has(source)) missing(['connections', source], source, 'from');
    if (!isObject(outputs)) continue;
    for (const [kind, lists] of Object.entries(outputs)) {
      if (!Array.isArray(lists)) continue;
      lists.forEach((list, li) => {
        if (!Array.isArray(list)) return;
        list.forEach((target, ti) => {
          if (isObject(target) && typeof target['node'] === 'string' && !names.has(target['node']))
            missing(['connections', source, kind, li, ti, 'node'], target['node'], 'to');
        });
      });
    }
  }
  return findings;
}

/** Checks every workflow JSON under the scenario's `initialization/` folder. */
export async function checkWorkflows(
  dir: string,
): Promise<{ checked: string[]; findings: FindingInput[] }> {
  const files: string[] = [];
  await jsonFiles(dir, 'initialization', files);
  const checked: string[] = [];
  const findings: FindingInput[] = [];
  for (const file of files) {
    const st = await stat(path.join(dir, file)).catch(() => null);
    if (!st || st.size > MAX_BYTES) continue;
    const parsed = parseJsonLenient(await readFile(path.join(dir, file), 'utf8'));
    if (!parsed.ok) continue;
    const found = checkN8nWorkflow(file, parsed.value);
    if (isObject(parsed.value) && Array.isArray(parsed.value['nodes'])) checked.push(file);
    findings.push(...found);
  }
  return { checked, findings };
}
