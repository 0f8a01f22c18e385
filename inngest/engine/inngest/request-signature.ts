import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Inngest's request signatures, as its servers send them and its SDK checks them:
 * `X-Inngest-Signature: t=<unix seconds>&s=<hex HMAC-SHA256 of body + t>`, keyed with the signing
 * key without its `signkey-<env>-` prefix. The SDK checks them only in cloud mode; the /api/inngest
 * guard checks them in every mode in which a signing key is set (functions/inngest-guard.ts).
 */
export const INNGEST_SIGNATURE_HEADER = 'x-inngest-signature';
/** How far a signature's time may be from now, as the SDK allows. */
export const INNGEST_SIGNATURE_TOLERANCE_S = 300;

function hmac(signingKey: string, body: string, timestamp: string): string {
  const key = signingKey.replace(/^signkey-\w+-/, '');
  return createHmac('sha256', key)
    .update(body + timestamp)
    .digest('hex');
}

/** The header value signing `body` at `timestamp` (unix seconds). */
export function signInngest(
  signingKey: string,
  body: string,
  timestamp = Math.floor(Date.now() / 1000),
): string {
  return `t=${timestamp}&s=${hmac(signingKey, body, String(timestamp))}`;
}

/** Why a signature was refused, or ok. */
export type InngestSignatureCheck = { ok: true } | { ok: false; reason: string };

/** Checks a signature header against the raw body, in constant time. */
export function verifyInngestSignature(
  signingKey: string,
  header: string | undefined,
  body: string,
  nowS = Math.floor(Date.now() / 1000),
): InngestSignatureCheck {
  if (!header) return { ok: false, reason: 'no X-Inngest-Signature header' };
  const params = new URLSearchParams(header);
  const t = params.get('t') ?? '';
  const s = params.get('s') ?? '';
  if (!/^\d{1,12}$/.test(t) || !/^[0-9a-f]{64}$/i.test(s))
    return { ok: false, reason: 'malformed X-Inngest-Signature header' };
  if (Math.abs(nowS - Number(t)) > INNGEST_SIGNATURE_TOLERANCE_S)
    return { ok: false, reason: 'signature outside the 5-minute window' };
  const expected = Buffer.from(hmac(signingKey, body, t), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(s, 'hex')))
    return { ok: false, reason: 'signature does not match' };
  return { ok: true };
}
