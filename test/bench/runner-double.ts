/**
 * The model double in a process of its own for test/bench/runner.ts, so that the runner's
 * measured overhead and memory do not include the fake model's work. Prints its URL, then runs
 * until stdin closes.
 */
import { startModelDouble } from '../../runner/model-double/server.ts';
import { text, write } from '../../runner/model-double/script.ts';

const double = await startModelDouble({
  defaultScript: [write('file.txt', 'x'.repeat(2000)), text('done')],
});
process.stdout.write(`${double.url}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void double.close().then(() => process.exit(0));
});
