import type { Context } from 'hono';
import { matchedRoutes } from 'hono/route';

/** The route a request will be answered by: method, pattern and the params it binds. */
export interface MatchedRoute {
  key: string;
  pattern: string;
  params: Record<string, string>;
}

/**
 * The first matched handler that is not middleware (`ALL` entries are middleware and the API's
 * catch-all 404). Params come from the pattern itself: a middleware's own params are empty.
 */
export function routeOf(c: Context): MatchedRoute | undefined {
  const route = matchedRoutes(c).find((r) => r.method !== 'ALL');
  if (!route) return undefined;
  const params: Record<string, string> = {};
  const names = route.path.split('/');
  const parts = c.req.path.split('/');
  names.forEach((name, i) => {
    if (name.startsWith(':') && parts[i] !== undefined) {
      try {
        params[name.slice(1)] = decodeURIComponent(parts[i]);
      } catch {
        params[name.slice(1)] = parts[i];
      }
    }
  });
  return { key: `${route.method} ${route.path}`, pattern: route.path, params };
}
