import { DEFAULT_CONFIG, COMPLEXITIES, type ScenarioStatus } from '../../../core/domain.ts';
import { createCampaign } from '../../../db/campaigns.ts';
import type { Sql } from '../../../db/client.ts';

/**
 * Seeds a benchmark database: campaigns through the app's own `createCampaign`, scenarios by
 * multi-row INSERTs (1,000 rows a statement) with valid slugs, complexities and configs, a mix of
 * finished statuses, ~5 % archived, and creation times spread over 90 days. Ends with VACUUM (ANALYZE),
 * as autovacuum would shortly after a bulk load (statistics, visibility map).
 */
export interface Seeded {
  campaigns: string[];
  scenarios: number;
}

const WORDS = [
  'order',
  'invoice',
  'tracker',
  'crm',
  'inventory',
  'survey',
  'booking',
  'chat',
  'report',
  'ledger',
  'notes',
  'metrics',
];
const STATUSES: ScenarioStatus[] = [
  'draft',
  'draft',
  'deployed',
  'deployed',
  'deployed',
  'failed',
  'cancelled',
];

export async function seedScenarios(
  sql: Sql,
  campaigns: number,
  perCampaign: number,
): Promise<Seeded> {
  const ids: string[] = [];
  for (let c = 0; c < campaigns; c++) {
    ids.push(
      (
        await createCampaign(
          sql,
          {
            name: `Bench campaign ${c + 1}`,
            description: 'Seeded by test/bench/api.ts',
            category: 'bench',
          },
          'bench',
        )
      ).id,
    );
  }
  const now = Date.now();
  const rows = ids.flatMap((campaignId, c) =>
    Array.from({ length: perCampaign }, (_, i) => {
      const n = c * perCampaign + i;
      const complexity = COMPLEXITIES[n % 3]!;
      const status = STATUSES[n % STATUSES.length]!;
      const created = new Date(now - ((n * 7919) % (90 * 86_400)) * 1000);
      const updated = new Date(created.getTime() + (n % 3600) * 1000);
      const title = `${WORDS[n % WORDS.length]} ${WORDS[(n >> 3) % WORDS.length]} app ${n}`;
      return {
        campaign_id: campaignId,
        slug: `bench-${WORDS[n % WORDS.length]}-${i}`,
        title: title.charAt(0).toUpperCase() + title.slice(1),
        request:
          `Build a ${title} that stores records in postgres, caches hot lookups in redis and sends a daily summary. `.repeat(
            3,
          ),
        complexity,
        category: WORDS[n % 5]!,
        target_format: 'vrooli-2025-08-07',
        config: sql.json({ ...DEFAULT_CONFIG[complexity] }),
        status,
        progress: status === 'deployed' ? 100 : status === 'draft' ? 0 : n % 90,
        cost_usd: status === 'draft' ? 0 : (n % 500) / 100,
        error:
          status === 'failed' ? 'The scenario is still invalid after 2 fix(es): 1 error(s).' : null,
        archived: n % 20 === 19,
        created_by: 'bench',
        created_at: created,
        updated_at: updated,
        finished_at: status === 'draft' ? null : updated,
        deployed_at: status === 'deployed' ? updated : null,
      };
    }),
  );
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000);
    await sql`INSERT INTO scenarios ${sql(chunk)}`;
  }
  await sql`VACUUM (ANALYZE) scenarios`;
  await sql`VACUUM (ANALYZE) campaigns`;
  return { campaigns: ids, scenarios: rows.length };
}
