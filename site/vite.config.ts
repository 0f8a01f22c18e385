import path from 'node:path';
import adapter from '@sveltejs/adapter-static';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

/**
 * The dashboard's build: a SvelteKit SPA (no SSR, no prerendering) written by adapter-static to
 * site/build with index.html as the fallback for every client-side route. SvelteKit 3 takes its
 * configuration here, through the plugin (it refuses a svelte.config.js).
 */
const root = import.meta.dirname;
const out = path.join(root, 'build');

export default defineConfig({
  root,
  // The dev server proxies the API to a running `npm start` (default port).
  server: { proxy: { '/api': process.env.SG_API_URL ?? 'http://127.0.0.1:3000' } },
  // Quiet builds: `npm install` prints one line for the site.
  build: {
    reportCompressedSize: false,
    rolldownOptions: {
      checks: { bundlerTimings: false },
      // Svelte's runtime in one chunk (SvelteKit keeps its own): every page needs all of it, and each
      // extra response costs ~350 bytes of headers on the first page.
      output: {
        codeSplitting: {
          groups: [
            { name: 'framework', test: /node_modules[\\/](svelte|esm-env|clsx)[\\/]/ },
            // The dashboard's shared helpers and components, likewise: one response, not ten.
            { name: 'shared', test: /site[\\/]src[\\/]lib[\\/]/, minShareCount: 2 },
          ],
        },
      },
    },
  },
  plugins: [
    sveltekit({
      // precompress: brotli and gzip copies beside each file, served as they are (functions/static.ts).
      adapter: adapter({
        pages: out,
        assets: out,
        fallback: 'index.html',
        strict: true,
        precompress: true,
      }),
    }),
  ],
});
