import { Hono } from 'hono';
import { queryAudit, type AuditRow } from '../../db/audit.ts';
import { AuditPage, AuditQuery } from '../contract/accounts.ts';
import type { AppDeps, AppEnv } from '../deps.ts';
import { readQuery } from '../input.ts';
import { route } from '../openapi/route-spec.ts';
import { reply } from '../reply.ts';

/**
 * GET /api/audit: the audit trail, newest first, filtered by actor, action (exact, or a prefix
 * ending in `.`), campaign and time (`from` inclusive, `to` exclusive), paged with `before`
 * (`nextBefore` of the previous page), as JSON or `?format=csv`. Administrators of every campaign
 * see everything; a campaign administrator must name the campaign (the policy checks it).
 */
const CSV_COLUMNS = [
  'id',
  'at',
  'actor',
  'action',
  'outcome',
  'targetType',
  'targetId',
  'campaignId',
  'clientAddress',
  'requestId',
  'details',
] as const satisfies readonly (keyof AuditRow)[];

function csvCell(value: unknown): string {
  const text =
    value instanceof Date
      ? value.toISOString()
      : value === null || value === undefined
        ? ''
        : typeof value === 'object'
          ? JSON.stringify(value)
          : String(value);
  // Quote everything; neutralise spreadsheet formulas (a cell starting with = + - @).
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}

/** What each route takes and answers (GET /api/openapi.json). */
export const auditApi = [
  route('get', '/api/audit', 'The audit trail, newest first (JSON or CSV)', {
    query: AuditQuery,
    responses: {
      200: { json: AuditPage, or: { media: 'text/csv', description: 'CSV (?format=csv)' } },
    },
  }),
];

export function auditRoutes({ sql }: Pick<AppDeps, 'sql'>): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/audit', async (c) => {
    const q = readQuery(c, AuditQuery);
    const csv = q.format === 'csv';
    const limit = q.limit ?? (csv ? 1000 : 100);
    const items = await queryAudit(sql, {
      limit,
      ...(q.actor ? { actor: q.actor } : {}),
      ...(q.action ? { action: q.action } : {}),
      ...(q.campaign ? { campaignId: q.campaign } : {}),
      ...(q.from ? { from: q.from } : {}),
      ...(q.to ? { to: q.to } : {}),
      ...(q.before ? { before: q.before } : {}),
    });
    const nextBefore = items.length === limit ? (items.at(-1)?.id ?? null) : null;
    if (!csv) return reply(c, AuditPage, { items, nextBefore });
    const lines = [
      CSV_COLUMNS.join(','),
      ...items.map((row) => CSV_COLUMNS.map((k) => csvCell(row[k])).join(',')),
    ];
    return c.body(lines.join('\r\n') + '\r\n', 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="audit.csv"',
      ...(nextBefore ? { 'x-next-before': String(nextBefore) } : {}),
    });
  });
  return app;
}
