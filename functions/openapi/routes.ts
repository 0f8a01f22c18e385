import { OpenApiDocument } from '../contract/meta.ts';
import { auditApi } from '../routes/audit.ts';
import { authApi } from '../routes/auth.ts';
import { campaignApi } from '../routes/campaigns.ts';
import { downloadApi } from '../routes/downloads.ts';
import { eventApi } from '../routes/events.ts';
import { healthApi } from '../routes/health.ts';
import { hookApi } from '../routes/hooks.ts';
import { learningApi } from '../routes/learning.ts';
import { benchmarkApi } from '../routes/benchmarks.ts';
import { promptApi } from '../routes/prompts.ts';
import { metricsApi } from '../routes/metrics.ts';
import { notificationApi } from '../routes/notifications.ts';
import { runApi } from '../routes/runs.ts';
import { scenarioApi } from '../routes/scenarios.ts';
import { settingsApi } from '../routes/settings.ts';
import { userApi } from '../routes/users.ts';
import { route, type RouteSpec } from './route-spec.ts';

/** GET /api/openapi.json itself. */
export const openApiRoute = route('get', '/api/openapi.json', 'This API as OpenAPI 3.1', {
  responses: { 200: OpenApiDocument },
});

/** Every route of the API, from the tables beside the handlers. */
export const API_ROUTES: readonly RouteSpec[] = [
  ...authApi,
  ...hookApi,
  ...healthApi,
  openApiRoute,
  ...settingsApi,
  ...learningApi,
  ...promptApi,
  ...benchmarkApi,
  ...auditApi,
  ...userApi,
  ...campaignApi,
  ...notificationApi,
  ...eventApi,
  ...scenarioApi,
  ...runApi,
  ...downloadApi,
  ...metricsApi,
];
