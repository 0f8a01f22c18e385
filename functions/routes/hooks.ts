import { claimDelivery, recordDelivery, releaseDelivery } from '../../db/webhook-deliveries.ts';
import { Hono } from 'hono';
import { AppError } from '../../core/errors.ts';
import { createScenario, deleteScenario } from '../../db/scenarios.ts';
import { serverDefaults } from '../../db/settings.ts';
import { HookAccepted, HookInput } from '../contract/hooks.ts';
import type { AppDeps, AppEnv } from '../deps.ts';
import { parseInput } from '../input.ts';
import { route } from '../openapi/route-spec.ts';
import { reply } from '../reply.ts';
import { verifySignature } from '../webhook-signature.ts';

/**
 * POST /api/hooks/generate: other systems start a generation. Verified by an HMAC signature over
 * timestamp, delivery id and body with WEBHOOK_SECRET; refused (401, nothing started) when the signature is
 * missing or wrong, the timestamp is older than 5 minutes, or the delivery id was seen before.
 * Not behind the access token: the signature is the credential.
 */
export const hookApi = [
  route('post', '/api/hooks/generate', 'Start a generation from another system (signed)', {
    body: HookInput,
    responses: { 202: HookAccepted },
  }),
];

export function hookRoutes(deps: Pick<AppDeps, 'sql' | 'config' | 'pipeline'>): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/generate', async (c) => {
    const secret = deps.config.WEBHOOK_SECRET;
    if (!secret)
      throw new AppError('not_found', 'The webhook is disabled: set WEBHOOK_SECRET to enable it.');
    const raw = await c.req.text();
    const delivery = c.req.header('x-sg-delivery');
    if (!delivery || !/^[A-Za-z0-9._:-]{1,200}$/.test(delivery))
      throw new AppError('unauthorized', 'Webhook refused: missing or malformed X-SG-Delivery id.');
    const check = verifySignature(
      secret,
      {
        signature: c.req.header('x-sg-signature'),
        timestamp: c.req.header('x-sg-timestamp'),
        delivery,
      },
      raw,
    );
    if (!check.ok) throw new AppError('unauthorized', `Webhook refused: ${check.reason}.`);
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new AppError('bad_request', 'The body is not valid JSON.');
    }
    const body = parseInput(HookInput, json, 'body');
    // Claim the delivery id first: a replay is refused even while the first delivery is in flight.
    if (!(await claimDelivery(deps.sql, delivery)))
      throw new AppError(
        'unauthorized',
        'Webhook refused: this delivery id was already used (replay).',
      );
    const actor = `webhook:${delivery}`;
    try {
      const scenario = await createScenario(
        deps.sql,
        {
          ...body,
          targetFormat:
            body.targetFormat ??
            (await serverDefaults(deps.sql)).profile ??
            deps.config.DEFAULT_PROFILE,
        },
        actor,
      );
      try {
        const run = await deps.pipeline.generate(scenario.id, actor, { trigger: 'webhook' });
        await recordDelivery(deps.sql, delivery, { scenarioId: scenario.id, runId: run.id });
        return reply(c, HookAccepted, { scenario, run }, 202);
      } catch (e) {
        await deleteScenario(deps.sql, scenario.id, actor).catch(() => {});
        throw e;
      }
    } catch (e) {
      // Nothing was started: let the sender retry with the same delivery id.
      await releaseDelivery(deps.sql, delivery);
      throw e;
    }
  });
  return app;
}
