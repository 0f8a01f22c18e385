/** The part of s3rver 3.x (no bundled types) that the store tests use. */
declare module 's3rver' {
  import type { AddressInfo } from 'node:net';

  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory?: string;
    resetOnClose?: boolean;
    allowMismatchedSignatures?: boolean;
    vhostBuckets?: boolean;
    configureBuckets?: { name: string; configs?: (string | Buffer)[] }[];
  }

  export default class S3rver {
    constructor(options?: S3rverOptions);
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
    /** S3 notifications: `Records[0].eventName` is e.g. `ObjectCreated:Put` (one PUT) or
     * `ObjectCreated:Post` (a completed multipart upload). */
    on(
      event: 'event',
      listener: (event: {
        Records: { eventName: string; s3: { object: { key: string } } }[];
      }) => void,
    ): this;
  }
}
