import type { Config } from '../../core/config.ts';
import type { Logger } from '../../core/log.ts';
import type { Sql } from '../../db/client.ts';
import { hasUsers } from '../../db/users.ts';

/**
 * One start-up line saying who may use the server, and in accounts mode without any user yet,
 * how to create the first administrator.
 */
export async function logAccessMode(
  config: Config,
  sql: Sql,
  url: string,
  log: Logger,
): Promise<void> {
  if (config.AUTH_MODE === 'none') {
    log.info(
      config.ACCESS_TOKEN
        ? 'access: AUTH_MODE=none with ACCESS_TOKEN (whoever holds the token is the administrator)'
        : 'access: AUTH_MODE=none (loopback only, one implicit local administrator)',
    );
    return;
  }
  log.info('access: AUTH_MODE=accounts (users, API tokens, campaign roles; every change audited)');
  // The first-run page answers loopback names only, whatever HOST is bound.
  const local = new URL('/signin', url);
  local.hostname = '127.0.0.1';
  if (!(await hasUsers(sql)))
    log.warn(
      `no user exists yet: run \`scenario-gen user add NAME --admin\`, or open ${local.href} on this machine to create the first administrator`,
    );
}
