import path from 'node:path';
import type { PermissionDenial } from '../agent/port.ts';

/**
 * Codex's refusals, read from its rollout file: the exec stream shows a refused `apply_patch`
 * only as a stderr line without its path, and a sandboxed shell's refused write only in the
 * command's output. The rollout holds each call with its input and each output by `call_id`, so
 * a refused call becomes a permission denial with the path it aimed at (resolved against the
 * session's cwd, as Claude Code reports them), the same finding Claude Code's sessions give.
 */
export interface DenialTracker {
  denials: PermissionDenial[];
  /** Notes a `response_item` payload of the rollout. */
  onItem(payload: Record<string, unknown>): void;
  setCwd(cwd: string): void;
}

const PATCH_FILE = /^\*\*\* (?:Add|Update|Delete) File: (.+)$/gm;
const PATCH_REFUSED = /^patch rejected\b/;
// bash's words for a write the sandbox (read-only mounts) or the file modes refused.
const SHELL_REFUSED =
  /(?:^|\n)[^\n:]*: (?:line \d+: )?(\/[^\n:]+|[^\s\n:][^\n:]*): (?:Read-only file system|Permission denied)/g;

export function createDenialTracker(): DenialTracker {
  const denials: PermissionDenial[] = [];
  const calls = new Map<string, { tool: string; paths: string[] }>();
  let cwd: string | undefined;
  const resolve = (p: string) => (cwd ? path.resolve(cwd, p.trim()) : p.trim());
  const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);
  return {
    denials,
    setCwd(c) {
      cwd = c;
    },
    onItem(p) {
      const type = str(p.type);
      const callId = str(p.call_id);
      if (!callId) return;
      if (type === 'custom_tool_call' || type === 'function_call') {
        const tool = str(p.name) ?? 'unknown';
        const input = str(p.input) ?? str(p.arguments) ?? '';
        const paths =
          tool === 'apply_patch' ? [...input.matchAll(PATCH_FILE)].map((m) => m[1]!) : [];
        calls.set(callId, { tool, paths });
        return;
      }
      if (type !== 'custom_tool_call_output' && type !== 'function_call_output') return;
      const call = calls.get(callId);
      calls.delete(callId);
      const output = str(p.output) ?? '';
      if (!call) return;
      if (call.tool === 'apply_patch' && PATCH_REFUSED.test(output)) {
        for (const f of call.paths.length ? call.paths : [undefined])
          denials.push({ tool: 'apply_patch', ...(f ? { path: resolve(f) } : {}) });
        return;
      }
      if (call.tool === 'apply_patch') return;
      // Only what aimed outside the workspace: a script inside without its run bit is no escape.
      for (const m of output.matchAll(SHELL_REFUSED)) {
        // `touch: cannot touch '/x'` and `mkdir: cannot create directory '/x'` quote the path.
        const said = m[1]!;
        const target = resolve(/['‘]([^'’]+)['’]/.exec(said)?.[1] ?? said);
        if (cwd && (target === cwd || target.startsWith(cwd + path.sep))) continue;
        denials.push({ tool: call.tool, path: target });
      }
    },
  };
}
