import * as v from 'valibot';
import { requiredText, uuid } from './common.ts';
import { Run } from './runs.ts';
import { complexity, GenerationConfigInput, Scenario, targetFormat } from './scenarios.ts';

/**
 * POST /api/hooks/generate: another system starts a generation. The credential is an HMAC
 * signature (X-SG-Signature over X-SG-Timestamp, X-SG-Delivery and the body), not a token.
 */
export const HookInput = v.strictObject({
  campaignId: uuid,
  title: requiredText(200),
  request: requiredText(20000),
  complexity: v.optional(complexity),
  category: v.optional(requiredText(100)),
  targetFormat: v.optional(targetFormat),
  config: v.optional(GenerationConfigInput),
});
export type HookInput = v.InferInput<typeof HookInput>;

/** 202: the scenario was created and its run queued. */
export const HookAccepted = v.strictObject({ scenario: Scenario, run: Run });
export type HookAccepted = v.InferOutput<typeof HookAccepted>;
