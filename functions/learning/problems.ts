import { judgeProblem, WINDOW_DAYS } from '../../core/learning/problems.ts';
import type { Sql } from '../../db/client.ts';
import { checkedPerDay, listProblems } from '../../db/problems.ts';
import type { ProblemList } from '../contract/learning.ts';

/** Recurring problems with their status, rate interval and rising flag, judged at `now`. */
const DAY = 86_400_000;
const dayOf = (t: number) => new Date(t).toISOString().slice(0, 10);

export async function recurringProblems(
  sql: Sql,
  q: { campaignId?: string | undefined; limit: number; now?: Date },
): Promise<ProblemList> {
  const now = (q.now ?? new Date()).getTime();
  const [rows, perDay] = await Promise.all([
    listProblems(sql, { campaignId: q.campaignId, now: new Date(now), limit: q.limit }),
    checkedPerDay(sql, { campaignId: q.campaignId }),
  ]);
  const d14 = dayOf(now - WINDOW_DAYS * DAY);
  const d28 = dayOf(now - 2 * WINDOW_DAYS * DAY);
  let recent = 0;
  let previous = 0;
  for (const { day, n } of perDay) {
    if (day > d14) recent += n;
    else if (day > d28) previous += n;
  }
  // Runs checked after a day: a suffix sum over the per-day counts.
  const after = (day: string) => perDay.reduce((s, d) => (d.day > day ? s + d.n : s), 0);
  return {
    checked: { recent, previous },
    items: rows.map((r) => {
      const j = judgeProblem(
        {
          firstSeen: r.firstSeen.getTime(),
          lastSeen: r.lastSeen.getTime(),
          regressedAt: r.regressedAt?.getTime() ?? null,
          recent: { k: r.recent, n: recent },
          previous: { k: r.previous, n: previous },
          checkedSince: after(dayOf(r.lastSeen.getTime())),
        },
        now,
      );
      return {
        fingerprint: r.fingerprint,
        signature: r.signature,
        ruleId: r.ruleId,
        stage: r.stage,
        description: r.description,
        firstSeen: r.firstSeen.toISOString(),
        lastSeen: r.lastSeen.toISOString(),
        runsAffected: r.runsAffected,
        status: j.status,
        rate: { k: r.recent + r.previous, n: recent + previous, ...j.rate },
        pRising: j.pRising,
        rising: j.rising,
        examples: r.examples,
        exampleRuns: r.exampleRuns.map((x) => ({
          runId: x.runId,
          scenarioId: x.scenarioId,
          seenAt: new Date(x.seenAt).toISOString(),
        })),
      };
    }),
  };
}
