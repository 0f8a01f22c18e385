import { createHash } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * The server side of a WebSocket (RFC 6455), just enough for test fakes: the upgrade with one
 * subprotocol, unfragmented binary messages each way, and the close handshake. No extensions.
 */
export interface TinySocket {
  send(data: Uint8Array): void;
  onMessage(fn: (data: Uint8Array) => void): void;
  onClose(fn: () => void): void;
  terminate(): void;
}

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

function frame(opcode: number, data: Uint8Array): Buffer {
  const n = data.length;
  const head =
    n < 126
      ? Buffer.from([0x80 | opcode, n])
      : n < 65536
        ? Buffer.from([0x80 | opcode, 126, n >> 8, n & 0xff])
        : Buffer.concat([Buffer.from([0x80 | opcode, 127]), u64(n)]);
  return Buffer.concat([head, Buffer.from(data)]);
}
function u64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

/** Accepts WebSocket upgrades at `path` on an http server. */
export function acceptWebSockets(
  server: Server,
  path: string,
  onSocket: (ws: TinySocket, req: IncomingMessage) => void,
): Set<TinySocket> {
  const open = new Set<TinySocket>();
  server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    if (req.url !== path) return void socket.destroy();
    const key = String(req.headers['sec-websocket-key']);
    const accept = createHash('sha1')
      .update(key + GUID)
      .digest('base64');
    const proto = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')[0]!
      .trim();
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Accept: ${accept}\r\n${proto ? `Sec-WebSocket-Protocol: ${proto}\r\n` : ''}\r\n`,
    );
    let buf = Buffer.alloc(0);
    const onMsg: ((d: Uint8Array) => void)[] = [];
    const onEnd: (() => void)[] = [];
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      open.delete(ws);
      for (const f of onEnd) f();
    };
    const ws: TinySocket = {
      send: (d) => void socket.write(frame(0x2, d)),
      onMessage: (f) => void onMsg.push(f),
      onClose: (f) => void onEnd.push(f),
      terminate: () => socket.destroy(),
    };
    open.add(ws);
    socket.on('close', end);
    socket.on('error', end);
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        if (buf.length < 2) return;
        const opcode = buf[0]! & 0x0f;
        let len = buf[1]! & 0x7f;
        let off = 2;
        if (len === 126) {
          if (buf.length < 4) return;
          len = buf.readUInt16BE(2);
          off = 4;
        } else if (len === 127) {
          if (buf.length < 10) return;
          len = Number(buf.readBigUInt64BE(2));
          off = 10;
        }
        const masked = (buf[1]! & 0x80) !== 0;
        const mask = masked ? buf.subarray(off, off + 4) : undefined;
        if (masked) off += 4;
        if (buf.length < off + len) return;
        const payload = Buffer.from(buf.subarray(off, off + len));
        if (mask) for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i % 4]!;
        buf = buf.subarray(off + len);
        if (opcode === 0x8) {
          socket.end(frame(0x8, payload.subarray(0, 2)));
          end();
          return;
        }
        if (opcode === 0x9) socket.write(frame(0xa, payload));
        else if (opcode === 0x1 || opcode === 0x2) for (const f of onMsg) f(payload);
      }
    });
    onSocket(ws, req);
  });
  return open;
}
