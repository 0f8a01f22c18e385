import { describe, expect, it } from 'vitest';
import { createDenialTracker } from './denials.ts';

/** Rollout items as Codex CLI 0.171 writes them (shapes copied from a live session's rollout). */
const patch = (id: string, body: string) => ({
  type: 'custom_tool_call',
  call_id: id,
  name: 'apply_patch',
  input: `*** Begin Patch\n${body}\n*** End Patch\n`,
});
const shell = (id: string, cmd: string) => ({
  type: 'function_call',
  call_id: id,
  name: 'exec_command',
  arguments: JSON.stringify({ cmd }),
});
const out = (id: string, output: string, type = 'function_call_output') => ({
  type,
  call_id: id,
  output,
});

describe('Codex refusals from the rollout', () => {
  it('turns refused patches and sandboxed writes outside the workspace into denials', () => {
    const t = createDenialTracker();
    t.setCwd('/w/ws');
    t.onItem(patch('1', '*** Add File: ../x.txt\n+a\n*** Update File: /etc/hosts\n@@\n-a\n+b'));
    t.onItem(out('1', 'patch rejected: writing outside of the project', 'custom_tool_call_output'));
    t.onItem(patch('2', '*** Add File: inside.txt\n+ok'));
    t.onItem(
      out(
        '2',
        'Exit code: 0\nSuccess. Updated the following files:\nA inside.txt',
        'custom_tool_call_output',
      ),
    );
    t.onItem(shell('3', 'echo x > /srv/y; ./run.sh'));
    t.onItem(
      out(
        '3',
        'Process exited with code 1\nOutput:\n/bin/bash: line 1: /srv/y: Read-only file system\n' +
          '/bin/bash: line 1: ./run.sh: Permission denied\n' +
          "touch: cannot touch '/srv/z': Read-only file system\n",
      ),
    );
    t.onItem(out('99', 'patch rejected: an output without its call'));
    expect(t.denials).toEqual([
      { tool: 'apply_patch', path: '/w/x.txt' },
      { tool: 'apply_patch', path: '/etc/hosts' },
      { tool: 'exec_command', path: '/srv/y' },
      { tool: 'exec_command', path: '/srv/z' },
    ]);
  });
});
