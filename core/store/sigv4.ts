/**
 * AWS Signature Version 4 for S3 requests over `fetch`, on WebCrypto only (so it runs on Workers
 * as well as Node). Only what a read needs: headers-signed requests with an empty body.
 */
const enc = new TextEncoder();
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const hex = (buf: ArrayBuffer): string =>
  [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');

async function hmac(
  key: ArrayBuffer | Uint8Array<ArrayBuffer>,
  data: string,
): Promise<ArrayBuffer> {
  const k = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  return crypto.subtle.sign('HMAC', k, enc.encode(data));
}

/** RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - . _ ~ is %-encoded. */
export function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

export interface SignInput {
  method: string;
  url: URL;
  region: string;
  accessKey: string;
  secretKey: string;
  now?: Date;
}

/**
 * Signs a request: the URL to send (its query re-encoded as signed) and the headers to send with
 * it (host is set by fetch from the URL).
 */
export async function signS3(i: SignInput): Promise<{ url: URL; headers: Record<string, string> }> {
  const amzDate = (i.now ?? new Date()).toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${i.region}/s3/aws4_request`;
  const query = [...i.url.searchParams.entries()]
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const headers: Record<string, string> = {
    host: i.url.host,
    'x-amz-content-sha256': EMPTY_SHA256,
    'x-amz-date': amzDate,
  };
  const names = Object.keys(headers).sort();
  const canonical = [
    i.method,
    i.url.pathname,
    query,
    names.map((n) => `${n}:${headers[n]}\n`).join(''),
    names.join(';'),
    EMPTY_SHA256,
  ].join('\n');
  const url = new URL(i.url);
  url.search = query;
  const toSign = [
    'AWS4-HMAC-SHA256',
    amzDate,
    scope,
    hex(await crypto.subtle.digest('SHA-256', enc.encode(canonical))),
  ].join('\n');
  let key = await hmac(enc.encode(`AWS4${i.secretKey}`), day);
  for (const part of [i.region, 's3', 'aws4_request']) key = await hmac(key, part);
  const signature = hex(await hmac(key, toSign));
  return {
    url,
    headers: {
      'x-amz-content-sha256': EMPTY_SHA256,
      'x-amz-date': amzDate,
      authorization: `AWS4-HMAC-SHA256 Credential=${i.accessKey}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`,
    },
  };
}
