import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../test/support/db.ts';
import { createUser } from '../../db/users.ts';
import { parseConfig } from '../../core/config.ts';
import type { Logger } from '../../core/log.ts';
import { logAccessMode } from './auth-startup.ts';

/** The start-up line about access, and the first-administrator hint while no user exists. */
let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(() => t?.drop());

function capture(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const log = {
    debug: () => {},
    info: (m: string) => lines.push(`info ${m}`),
    warn: (m: string) => lines.push(`warn ${m}`),
    error: (m: string) => lines.push(`error ${m}`),
  } as unknown as Logger;
  return { log, lines };
}

describe('logAccessMode', () => {
  it('says how to create the first administrator, on a loopback address', async () => {
    const { log, lines } = capture();
    const config = parseConfig({ AUTH_MODE: 'accounts', HOST: '0.0.0.0' });
    await logAccessMode(config, t.sql, 'http://0.0.0.0:3000', log);
    expect(lines[0]).toMatch(/^info access: AUTH_MODE=accounts/);
    expect(lines[1]).toBe(
      'warn no user exists yet: run `scenario-gen user add NAME --admin`, or open http://127.0.0.1:3000/signin on this machine to create the first administrator',
    );
    await createUser(t.sql, { name: 'root', passwordHash: 'x', isAdmin: true }, 'test');
    const again = capture();
    await logAccessMode(config, t.sql, 'http://0.0.0.0:3000', again.log);
    expect(again.lines).toHaveLength(1);
  });

  it('names the zero-configuration mode', async () => {
    const { log, lines } = capture();
    await logAccessMode(parseConfig({}), t.sql, 'http://127.0.0.1:3000', log);
    expect(lines).toEqual([
      'info access: AUTH_MODE=none (loopback only, one implicit local administrator)',
    ]);
  });
});
