import { pendingMigrations } from '../db/migrate.ts';
import { attemptDelivery } from '../inngest/notify/attempt.ts';
import { readBundleFile } from '../runner/bundle.ts';
import type { HostPorts } from './host.ts';
import { createMetricsRegistry } from './metrics/registry.ts';
import { mountSite } from './static.ts';

/** The Node server's host: every port, on the filesystem, tar, SMTP and prom-client. */
export const nodeHost: HostPorts = {
  pendingMigrations,
  readBundleFile,
  attemptDelivery,
  createMetrics: createMetricsRegistry,
  mountSite,
};
