/**
 * Reads a failed step's output for commands the shell could not find, and sorts them: a tool
 * this machine lacks (a toolchain, a Vrooli resource CLI) makes the step *not exercised*; any
 * other name (the scenario's own CLI, a binary a step should have built) is the scenario's fault.
 */

const NOT_FOUND = [
  /(?:^|: )([A-Za-z0-9_.+-]+): command not found\s*$/,
  /^(?:\S*sh): \d+: ([A-Za-z0-9_.+-]+): not found\s*$/,
  /^env: '?([A-Za-z0-9_.+-]+)'?: No such file or directory\s*$/,
];

/** Tools a scenario may need that are installed on a machine, not built by the scenario. */
const TOOLS = new Set(
  (
    'go gofmt cargo rustc rustup deno bun pnpm yarn python python2 pip pip3 pipx poetry uv ' +
    'java javac mvn gradle kotlin dotnet ruby gem bundle php composer docker docker-compose ' +
    'podman kubectl helm cmake gcc g++ cc clang zig swift air templ sqlc protoc bats ' +
    'shellcheck lighthouse playwright k6 jq yq psql redis-cli mc ollama n8n qdrant windmill ' +
    'vrooli test-genie browserless whisper comfyui unstructured claude'
  ).split(' '),
);

/** Command names the output says were not found, in order, without repeats. */
export function commandsNotFound(output: string): string[] {
  const found: string[] = [];
  for (const line of output.split('\n')) {
    for (const re of NOT_FOUND) {
      const name = re.exec(line)?.[1];
      if (name && !found.includes(name)) found.push(name);
    }
  }
  return found;
}

/** True for a command this machine would have to provide (not the scenario). */
export function isMachineTool(name: string): boolean {
  return TOOLS.has(name) || name.startsWith('resource-');
}
