import { describe, expect, it } from 'vitest';
import { TEMPLATE_NAMES } from '../prompts/render.ts';
import { readTemplateText as readFromFile } from '../prompts/template-text.ts';
import { bundleEdge, offenders } from './edge-build.ts';
import { readTemplateText } from '../prompts/template-text.edge.ts';

/**
 * The edge bundle holds no Node-only module: bin/edge.ts is bundled as a Workers build would
 * bundle it (the `workerd` condition first), and every Node built-in or package it reaches is
 * checked. Built-ins that Workers provide with `nodejs_compat` are allowed; the filesystem,
 * processes, raw sockets and the Node-only packages are not.
 */
describe('the edge bundle', () => {
  it('holds no Node-only module, only what nodejs_compat provides', async () => {
    const { code, reached } = await bundleEdge();
    const bad = offenders(reached);
    expect(bad, bad.join(', ')).toEqual([]);
    console.log(
      `edge bundle: ${(code.length / 1024).toFixed(0)} KiB minified, built-ins: ${[...reached.keys()].join(', ')}`,
    );
  });

  it('carries the prompt templates the Node host reads from prompts/', () => {
    for (const name of TEMPLATE_NAMES) expect(readTemplateText(name)).toBe(readFromFile(name));
  });
});
