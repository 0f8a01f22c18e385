import { parseArgs } from 'node:util';
import { ROLES, type Role } from '../../core/auth/roles.ts';
import { digestToken, newSecretToken } from '../../core/auth/secret-token.ts';
import { createApiToken, listApiTokens, revokeApiToken } from '../../db/api-tokens.ts';
import type { CliCommand } from '../command.ts';
import { withDatabase } from '../database.ts';

/** `scenario-gen token create|list|revoke`: API tokens for the CLI, scripts and runners. */
const USAGE = `scenario-gen token create NAME --role viewer|operator|admin [--campaign CAMPAIGN_ID]
scenario-gen token list
scenario-gen token revoke ID

create  Prints a new API token once (only its digest is stored). Without --campaign the role
        holds on every campaign (an admin token without one is a global administrator).
        Send it as Authorization: Bearer <token>, or SCENARIO_GEN_TOKEN for the CLI.
list    Lists tokens: id, name, role, campaign, last use, revoked.
revoke  Revokes a token at once.`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const when = (d: Date | null) => (d ? d.toISOString().replace(/\.\d+Z$/, 'Z') : '-');

export const command: CliCommand = {
  name: 'token',
  summary: 'Create, list or revoke API tokens',
  usage: USAGE,
  async run(args, io) {
    let parsed;
    try {
      parsed = parseArgs({
        args,
        allowPositionals: true,
        options: { role: { type: 'string' }, campaign: { type: 'string' } },
      });
    } catch (e) {
      io.stderr(`${(e as Error).message}\n`);
      return 2;
    }
    const [verb, arg] = parsed.positionals;
    const { role, campaign } = parsed.values;
    if (verb === 'create') {
      // Names reach terminals (token list): plain characters only.
      if (!arg || !/^[\w.@ -]{1,100}$/.test(arg) || !role || !ROLES.includes(role as Role)) {
        io.stderr(`${USAGE}\n`);
        return 2;
      }
      if (campaign !== undefined && !UUID.test(campaign)) {
        io.stderr('--campaign must be a campaign id (a UUID).\n');
        return 2;
      }
      const token = newSecretToken('api');
      return withDatabase(io.env, async (sql) => {
        const row = await createApiToken(
          sql,
          {
            name: arg,
            tokenHash: digestToken(token),
            role: role as Role,
            campaignId: campaign ?? null,
          },
          'cli',
        );
        io.stderr(
          `Created token ${row.id} (${row.role}${row.campaignId ? ` on ${row.campaignId}` : ', every campaign'}). It is shown only now:\n`,
        );
        io.stdout(`${token}\n`);
        return 0;
      });
    }
    if (verb === 'list') {
      return withDatabase(io.env, async (sql) => {
        for (const t of await listApiTokens(sql))
          io.stdout(
            [
              t.id,
              t.name,
              t.role,
              t.campaignId ?? '*',
              `used ${when(t.lastUsedAt)}`,
              t.revokedAt ? `revoked ${when(t.revokedAt)}` : 'active',
            ].join('  ') + '\n',
          );
        return 0;
      });
    }
    if (verb === 'revoke' && arg) {
      return withDatabase(io.env, async (sql) => {
        const t = await revokeApiToken(sql, arg, 'cli');
        io.stdout(`Revoked ${t.id} (${t.name}).\n`);
        return 0;
      });
    }
    io.stderr(`${USAGE}\n`);
    return 2;
  },
};
