import { describe, expect, it } from 'vitest';
import { createInngestClient } from './client.ts';
import { connectOptions } from './connect.ts';
import { inngestConnect, type InngestSettings } from './settings.ts';

const host = { hostname: 'box', pid: 42 };
const served: InngestSettings = { INNGEST_DEV: { dev: true }, loopback: true, RUN_CONCURRENCY: 2 };

describe('inngestConnect: who connects outbound, as whom, with what cap', () => {
  it('only a worker in served mode with INNGEST_CONNECT', () => {
    expect(inngestConnect({ ...served, ROLE: 'all', INNGEST_CONNECT: true }, host)).toBeUndefined();
    expect(inngestConnect({ ...served, ROLE: 'api', INNGEST_CONNECT: true }, host)).toBeUndefined();
    expect(
      inngestConnect({ ROLE: 'worker', INNGEST_CONNECT: true, RUN_CONCURRENCY: 2 }, host),
    ).toBeUndefined();
    expect(inngestConnect({ ...served, ROLE: 'worker', INNGEST_CONNECT: true }, host)).toEqual({
      instanceId: 'box-42',
      maxWorkerConcurrency: 2,
    });
  });
  it('takes INNGEST_INSTANCE_ID, AGENT_CONCURRENCY and INNGEST_CONNECT_GATEWAY_URL when set', () => {
    expect(
      inngestConnect(
        {
          ...served,
          ROLE: 'worker',
          INNGEST_CONNECT: true,
          INNGEST_INSTANCE_ID: 'runner-7',
          AGENT_CONCURRENCY: 5,
          INNGEST_CONNECT_GATEWAY_URL: 'ws://inngest:8289/v0/connect',
        },
        host,
      ),
    ).toEqual({
      instanceId: 'runner-7',
      maxWorkerConcurrency: 5,
      gatewayUrl: 'ws://inngest:8289/v0/connect',
    });
  });
  it('refuses a served-mode worker without INNGEST_CONNECT: it would serve nothing', () => {
    expect(() => inngestConnect({ ...served, ROLE: 'worker' }, host)).toThrow(/INNGEST_CONNECT=1/);
  });
  it('builds the SDK options: one app, its functions, the id and cap, same thread, no SIGTERM', () => {
    const client = createInngestClient(served);
    const o = connectOptions(
      client,
      [],
      { instanceId: 'runner-7', maxWorkerConcurrency: 3 },
      'private-close',
    );
    expect(o.apps).toEqual([{ client, functions: [] }]);
    expect(o.instanceId).toBe('runner-7');
    expect(o.maxWorkerConcurrency).toBe(3);
    // Not the SDK's default (a worker thread for the WebSocket); see connectOptions.
    expect(o.isolateExecution).toBe(false);
    // Our shutdown owns SIGTERM/SIGINT; the SDK only hears our private close event.
    expect(o.handleShutdownSignals).toEqual(['private-close']);
    expect(connectOptions(client, [], { instanceId: 'r', maxWorkerConcurrency: 1 })).toMatchObject({
      handleShutdownSignals: [],
    });
    expect(o.gatewayUrl).toBeUndefined();
    const g = connectOptions(client, [], {
      instanceId: 'r',
      maxWorkerConcurrency: 1,
      gatewayUrl: 'ws://inngest:8289/v0/connect',
    });
    expect(g.gatewayUrl).toBe('ws://inngest:8289/v0/connect');
  });
});
