import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { AppError } from '../core/errors.ts';
import type { Hono } from 'hono';
import type { AppEnv } from './deps.ts';

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Listens with Node's HTTP server; resolves once the port is bound. */
export function listen(app: Hono<AppEnv>, host: string, port: number): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port }, (info: AddressInfo) => {
      const shown = host.includes(':') ? `[${host}]` : host;
      resolve({
        url: `http://${shown}:${info.port}`,
        port: info.port,
        close: () =>
          new Promise<void>((res) => {
            server.close(() => res());
            // Open SSE streams would keep close() waiting forever.
            (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
      });
    });
    server.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE')
        reject(
          new AppError(
            'config_invalid',
            `Invalid setting PORT=${port}: the port is in use on ${host}; set PORT to a free port (0 picks one).`,
          ),
        );
      else if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND')
        reject(
          new AppError(
            'config_invalid',
            `Invalid setting HOST=${JSON.stringify(host)}: cannot bind that address.`,
          ),
        );
      else reject(e);
    });
  });
}
