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
/**
 * What the shared chunk holds: the root layout (every page loads it) and the helpers and components
 * of site/src/lib, but for those the layout and the dashboard do not use (they split by page as
 * usual, and the dashboard's own list stays with it): the first page loads the rest anyway.
 */
const IN_SHARED = /site[\\/]src[\\/](lib[\\/]|routes[\\/]\+layout\.svelte|app\.css)/;
const NOT_IN_SHARED =
  /[\\/](browser-notify\.svelte|diff|resource\.svelte|versions|attempts|transcript|scenario-log|scenario-list|FieldError|Unavailable|TableWrap|TabList)\.(ts|svelte)(\?|$)/;

export default defineConfig({
  root,
  // The dev server proxies the API to a running `npm start` (default port).
  server: { proxy: { '/api': process.env.SG_API_URL ?? 'http://127.0.0.1:3000' } },
  // Quiet builds: `npm install` prints one line for the site.
  build: {
    reportCompressedSize: false,
    rolldownOptions: {
      checks: { bundlerTimings: false },
      // Svelte's runtime and SvelteKit's client in one chunk: every page needs all of it, and each
      // extra response costs ~350 bytes of headers on the first page. SvelteKit's start entry loads
      // that chunk only after init() has set the payload (base path, ...): the payload and Vite's
      // preload helper, which the start entry imports, go apart ('boot'), or the client reads its
      // base too early and reloads an unknown route for ever instead of showing the not-found page.
      output: {
        codeSplitting: {
          groups: [
            {
              name: 'boot',
              priority: 2,
              test: /[\\/]runtime[\\/]client[\\/]payload\.js$|^\0vite[\\/]preload-helper/,
            },
            {
              name: 'framework',
              priority: 1,
              test: /node_modules[\\/](svelte|esm-env|clsx|@sveltejs[\\/]kit)[\\/](?!src[\\/]runtime[\\/]client[\\/](entry|payload)\.js)/,
            },
            // The layout and the shared helpers and components, likewise: one response, not ten.
            { name: 'shared', test: (id: string) => IN_SHARED.test(id) && !NOT_IN_SHARED.test(id) },
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
