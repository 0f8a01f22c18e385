// A single-page app: rendered in the browser only, never prerendered; Hono serves index.html.
export const ssr = false;
export const prerender = false;
