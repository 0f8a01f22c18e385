import { Buffer } from 'node:buffer';
import { Readable } from 'node:stream';
import { AppError } from '../errors.ts';
import { assertKey, assertPrefix, DEFAULT_CONTENT_TYPE, isKey } from './keys.ts';
import { notFound, storeError } from './minio-errors.ts';
import type { ObjectInfo, ObjectStore } from './port.ts';
import { signS3, uriEncode } from './sigv4.ts';

/**
 * A read-only S3 adapter on `fetch` and WebCrypto (SigV4 signing, path-style addressing): what
 * the edge entry reads artifacts with, where the `minio` client (Node's http) cannot run. It
 * reads what the workers' S3 adapter (minio.ts) wrote, with the same answers: the etag is the
 * server's ETag, a listing gets content types by one HEAD per object. Writes belong to the
 * workers: put and delete answer 503.
 */
export interface S3ReadOptions {
  /** `http(s)://host[:port]` of the S3 API. */
  endpoint: string;
  accessKey: string;
  secretKey: string;
  bucket: string;
  region?: string;
}

const LIST_CONCURRENCY = 8;
const tag = (xml: string, name: string): string | undefined =>
  new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
const unxml = (s: string): string =>
  s.replace(/&(lt|gt|quot|apos|amp);/g, (_, e: string) =>
    e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'quot' ? '"' : e === 'apos' ? "'" : '&',
  );

export function createS3ReadStore(o: S3ReadOptions): ObjectStore {
  const region = o.region ?? 'us-east-1';
  const base = o.endpoint.replace(/\/+$/, '');
  const urlOf = (key: string, query: Record<string, string> = {}): URL => {
    const path = key.split('/').map(uriEncode).join('/');
    const url = new URL(`${base}/${uriEncode(o.bucket)}${key === '' ? '/' : `/${path}`}`);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    return url;
  };
  const send = async (method: 'GET' | 'HEAD', url: URL): Promise<Response> => {
    const signed = await signS3({
      method,
      url,
      region,
      accessKey: o.accessKey,
      secretKey: o.secretKey,
    });
    return fetch(signed.url, { method, headers: signed.headers });
  };
  const failed = (op: string, key: string, res: Response): AppError =>
    storeError(op, key, new AppError('store_error', `HTTP ${res.status}`));

  async function statKey(key: string): Promise<ObjectInfo | null> {
    const res = await send('HEAD', urlOf(key));
    if (res.status === 404) return null;
    if (!res.ok) throw failed('stat', key, res);
    return {
      key,
      size: Number(res.headers.get('content-length') ?? 0),
      etag: (res.headers.get('etag') ?? '').replace(/"/g, ''),
      contentType: res.headers.get('content-type') || DEFAULT_CONTENT_TYPE,
      modifiedAt: new Date(res.headers.get('last-modified') ?? 0),
    };
  }

  async function open(key: string): Promise<Response> {
    assertKey(key);
    const res = await send('GET', urlOf(key));
    if (res.status === 404) {
      await res.body?.cancel();
      throw notFound(key);
    }
    if (!res.ok || !res.body) throw failed('read', key, res);
    return res;
  }

  async function listKeys(prefix: string): Promise<string[]> {
    const keys = new Set<string>();
    let token: string | undefined;
    do {
      const query: Record<string, string> = { 'list-type': '2', prefix };
      if (token) query['continuation-token'] = token;
      const res = await send('GET', urlOf('', query));
      if (!res.ok) throw failed('list', prefix, res);
      const xml = await res.text();
      for (const m of xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)) {
        const key = unxml(tag(m[1]!, 'Key') ?? '');
        if (isKey(key)) keys.add(key);
      }
      token = tag(xml, 'IsTruncated') === 'true' ? tag(xml, 'NextContinuationToken') : undefined;
    } while (token);
    return [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  const readOnly = (): never => {
    throw new AppError(
      'service_unavailable',
      'The object store is read-only here: workers write artifacts, the edge reads them.',
    );
  };

  return {
    kind: 's3 (read-only)',
    init: async () => {},
    put: readOnly,
    delete: readOnly,
    async get(key) {
      const res = await open(key);
      return Buffer.from(await res.arrayBuffer());
    },
    async stream(key) {
      const res = await open(key);
      return Readable.fromWeb(res.body as never);
    },
    async stat(key) {
      return statKey(assertKey(key));
    },
    async list(prefix) {
      const keys = await listKeys(assertPrefix(prefix));
      const infos: (ObjectInfo | null)[] = [];
      for (let i = 0; i < keys.length; i += LIST_CONCURRENCY)
        infos.push(...(await Promise.all(keys.slice(i, i + LIST_CONCURRENCY).map(statKey))));
      return infos.filter((x): x is ObjectInfo => x !== null);
    },
    close: async () => {},
  };
}
