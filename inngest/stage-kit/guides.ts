import type { Db } from '../../db/client.ts';
import { topPatterns } from '../../db/validations.ts';

/**
 * What the prompts tell the agent about the target: the Vrooli resources it may use, the layout
 * the chosen target format expects, and lessons learned from earlier runs (the most frequent
 * validation errors, from improvement_patterns).
 */
export const RESOURCES = `- storage: postgres (relational data), redis (cache, queues), minio (files, S3 API), qdrant (vectors)
- ai: ollama (local LLMs), whisper (speech to text), comfyui (image generation)
- automation: n8n (workflows), windmill (scripts and UIs), node-red (flows)
- agents: claude-code (coding agent), agent-s2 (desktop automation)
- execution: judge0 (sandboxed code execution)`;

const GUIDES: Record<string, string> = {
  'vrooli-2025-08-07': `Target format: Vrooli scenarios of 2025-08-07. Files, relative to the scenario folder:
- \`.vrooli/service.json\` (required): \`{"service": {"name": "<slug>", "displayName": "…", "description": "…", "version": "1.0.0", "type": "<kebab-case type, e.g. application>"},
  "resources": {"<category>": {"<resource>": {"type": "<resource>", "enabled": true, "required": true, "initialization": [{"type": "sql", "file": "initialization/storage/schema.sql"}]}}},
  "deployment": {"initialization": {"phases": [{"name": "database", "tasks": [{"type": "sql", "file": "initialization/storage/schema.sql"}]}]}}}\`.
  Categories are storage, ai, automation, agents, execution; at least one resource enabled.
- Every \`file\` named in an enabled resource's \`initialization\` and in \`deployment.initialization.phases[].tasks[]\` must exist inside the folder.
- Initialization JSON files must parse; SQL files must not be empty; no template placeholders such as SCENARIO_ID_PLACEHOLDER.
- \`README.md\` and an executable \`test.sh\` are expected.`,
  'vrooli-2025-08-29': `Target format: Vrooli scenarios of 2025-08-29. \`.vrooli/service.json\` (required) with top-level
\`"version": "1.0.0"\`, \`"service": {"name": "<slug>", "displayName": "…", "description": "…", "version": "1.0.0"}\` (name equals the folder name),
flat \`"resources": {"postgres": {"type": "postgres", "enabled": true, "required": true}}\`,
\`"ports": {"api": {"env_var": "API_PORT", "range": "15000-19999", "fallback": "auto"}}\` (env_var UPPER_SNAKE; range "A-B" or fixed; fallback auto|error; no two equal fixed ports),
\`"lifecycle": {"version": "2.0.0", "setup": {"steps": [{"name": "install-deps", "run": "…"}]}, "develop": {"steps": […]}, "test": {"steps": […]}, "stop": {"steps": […]}}\`
(steps are arrays of {name (kebab-case), run}). Add README.md and the files the lifecycle steps use.`,
};

export function formatGuide(profile: string): string {
  return GUIDES[profile] ?? `Target format: ${profile}. Follow its documented layout.`;
}

/** The most frequent validation errors of earlier runs, as advice for the next one. */
export async function lessons(db: Db, limit = 5): Promise<string> {
  const rows = await topPatterns(db, limit);
  if (!rows.length) return '(no earlier runs yet)';
  return rows
    .map((r) => `- ${r.ruleId ?? 'external'} (seen ${r.occurrences}×): ${r.description}`)
    .join('\n');
}
