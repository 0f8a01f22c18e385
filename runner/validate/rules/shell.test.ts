import { describe, expect, it } from 'vitest';
import { mayBeProduced, scanStep } from './lifecycle-scan.ts';
import { programWords, splitCommands } from './shell.ts';

const texts = (run: string) =>
  splitCommands(run).map((c) => [programWords(c.words).map((w) => w.text), c.next]);

describe('lifecycle step commands', () => {
  it('splits on operators, keeps quotes, drops descriptors and redirect targets from words', () => {
    expect(texts(`cd api && PORT=$P ./x-api & echo 'a && b' 2>&1 >/dev/null; ls "x y"`)).toEqual([
      [['cd', 'api'], '&&'],
      [['./x-api'], '&'],
      [['echo', 'a && b'], ';'],
      [['ls', 'x y'], null],
    ]);
  });

  it('strips shell keywords and wrappers before the program', () => {
    expect(texts('if [ -f a ]; then timeout 30 nohup ./run.sh; fi')).toEqual([
      [['[', '-f', 'a', ']'], ';'],
      [['./run.sh'], ';'],
      [[], null],
    ]);
  });

  it('follows cd for relative paths, and leaves dynamic ones alone', () => {
    const scan = scanStep('cd cli && chmod +x tool && ./install.sh && cd $(pwd)/x && ./y');
    expect(scan.uses.map((u) => [u.form, u.rel])).toEqual([
      ['cd', 'cli'],
      ['chmod', 'cli/tool'],
      ['run', 'cli/install.sh'],
    ]);
  });

  it('knows what builds create', () => {
    const { products } = scanStep(
      'cd api && go build -o srv . && cd ../ui && npm install && cd .. && make && echo x > out.txt',
    );
    expect(mayBeProduced(products, 'api/srv')).toBe(true);
    expect(mayBeProduced(products, 'api/other')).toBe(false);
    expect(mayBeProduced(products, 'ui/node_modules/x/y.js')).toBe(true);
    expect(mayBeProduced(products, 'ui/dist/index.html')).toBe(false);
    expect(mayBeProduced(products, 'dist/app.js')).toBe(true);
    expect(mayBeProduced(products, 'out.txt')).toBe(true);
  });
});
