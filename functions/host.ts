import type { pendingMigrations } from '../db/migrate.ts';
import type { attemptDelivery } from '../inngest/notify/attempt.ts';
import type { readBundleFile } from '../runner/bundle.ts';
import type { createMetricsRegistry } from './metrics/registry.ts';
import type { mountSite } from './static.ts';

/**
 * What the app needs from its host that only some hosts have: the filesystem (migration files,
 * the built SPA), tar, SMTP and sockets for notifications, process metrics. The Node server
 * passes all of it (node-host.ts); the edge entry (bin/edge.ts) passes what a Workers-style
 * runtime can do. The app's own modules import these only as types, so the edge bundle holds
 * no Node-only module.
 */
export interface HostPorts {
  /** Migrations not yet applied (the Node side reads the migration files). */
  pendingMigrations: typeof pendingMigrations;
  /** One file of a stored scenario bundle (a tar archive). */
  readBundleFile: typeof readBundleFile;
  /** One delivery attempt of a notice to a channel ("send test"). */
  attemptDelivery: typeof attemptDelivery;
  /** The Prometheus registry behind GET /metrics. */
  createMetrics: typeof createMetricsRegistry;
  /** Serves the built SPA; absent where the platform serves it as static assets. */
  mountSite?: typeof mountSite;
}
