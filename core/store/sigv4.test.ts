import { signV4 } from 'minio/dist/esm/signing.mjs';
import { describe, expect, it } from 'vitest';
import { EMPTY_SHA256, signS3 } from './sigv4.ts';

/** The WebCrypto signer signs as the minio client's (Node crypto) signer does. */
describe('SigV4 on WebCrypto', () => {
  const now = new Date('2026-05-24T10:11:12.345Z');
  const cases = [
    'http://127.0.0.1:9000/bucket/runs/r1/plans/1.md',
    'http://127.0.0.1:9000/bucket/runs/r1/bundle%40v%3D2%2Bx.tar',
    'https://s3.example.com/bucket/?list-type=2&prefix=runs/r1/&continuation-token=a+b/c==',
  ];
  for (const raw of cases)
    it(`signs ${raw}`, async () => {
      const signed = await signS3({
        method: 'GET',
        url: new URL(raw),
        region: 'eu-west-3',
        accessKey: 'AKIDEXAMPLE',
        secretKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
        now,
      });
      const theirs = signV4(
        {
          protocol: signed.url.protocol,
          method: 'GET',
          path: `${signed.url.pathname}${signed.url.search}`,
          headers: {
            host: signed.url.host,
            'x-amz-date': signed.headers['x-amz-date']!,
            'x-amz-content-sha256': EMPTY_SHA256,
          },
        },
        'AKIDEXAMPLE',
        'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
        'eu-west-3',
        now,
        EMPTY_SHA256,
      );
      expect(signed.headers['authorization']).toBe(theirs);
      expect(signed.headers['x-amz-date']).toBe('20260524T101112Z');
    });
});
