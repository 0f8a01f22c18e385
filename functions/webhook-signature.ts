import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures: `X-SG-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<delivery>.<raw
 * body>">`, `X-SG-Timestamp: <unix seconds>`, `X-SG-Delivery: <unique id>`. The delivery id is
 * signed too, so a captured request cannot be replayed under a fresh id. A signature is good when
 * it matches in constant time and the timestamp is within the tolerance of now.
 */
export const SIGNATURE_TOLERANCE_S = 300;

export function sign(
  secret: string,
  timestamp: number | string,
  delivery: string,
  body: string,
): string {
  return (
    'sha256=' +
    createHmac('sha256', secret).update(`${timestamp}.${delivery}.${body}`).digest('hex')
  );
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

export function verifySignature(
  secret: string,
  h: { signature?: string; timestamp?: string; delivery?: string },
  body: string,
  nowS = Math.floor(Date.now() / 1000),
): SignatureCheck {
  if (!h.signature || !h.timestamp || !h.delivery)
    return { ok: false, reason: 'missing signature, timestamp or delivery header' };
  if (!/^\d{1,12}$/.test(h.timestamp)) return { ok: false, reason: 'malformed timestamp' };
  if (Math.abs(nowS - Number(h.timestamp)) > SIGNATURE_TOLERANCE_S)
    return { ok: false, reason: 'timestamp outside the 5-minute window' };
  const expected = Buffer.from(sign(secret, h.timestamp, h.delivery, body));
  const given = Buffer.from(h.signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'signature does not match' };
  return { ok: true };
}
