import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

/**
 * A password for `scenario-gen user add`: from `--password-file` (first line), else typed at a
 * terminal without echo (twice), else the first line of standard input.
 */
export async function readPassword(
  file: string | undefined,
  prompt: (text: string) => void,
  input: NodeJS.ReadableStream & { isTTY?: boolean } = process.stdin,
): Promise<string> {
  if (file) return (await readFile(file, 'utf8')).split(/\r?\n/)[0] ?? '';
  if (!input.isTTY) return firstLine(input, new Writable({ write: (_c, _e, cb) => cb() }));
  prompt('Password: ');
  const first = await firstLine(input, muted());
  prompt('\nRepeat it: ');
  const second = await firstLine(input, muted());
  prompt('\n');
  if (first !== second) throw new Error('The two passwords differ.');
  return first;
}

function muted(): Writable {
  return new Writable({ write: (_chunk, _enc, cb) => cb() });
}

function firstLine(input: NodeJS.ReadableStream, output: Writable): Promise<string> {
  const rl = createInterface({ input, output, terminal: false });
  return new Promise((resolve) => {
    let done = false;
    rl.once('line', (line) => {
      done = true;
      rl.close();
      resolve(line);
    });
    rl.once('close', () => {
      if (!done) resolve('');
    });
  });
}
