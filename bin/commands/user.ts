import { parseArgs } from 'node:util';
import { hashPassword, passwordProblem } from '../../core/auth/password.ts';
import { createUser, listUsers, setUserDisabled } from '../../db/users.ts';
import type { CliCommand } from '../command.ts';
import { withDatabase } from '../database.ts';
import { readPassword } from '../password-input.ts';

/** `scenario-gen user add|list`: accounts, straight in the database (no server needed). */
const USAGE = `scenario-gen user add NAME [--admin] [--password-file F]
scenario-gen user list
scenario-gen user disable NAME | enable NAME

add   Creates a user (AUTH_MODE=accounts). --admin makes a global administrator: the way to
      create the first one. The password comes from the first line of --password-file, else
      it is asked for (twice, without echo), else read from standard input.
list  Lists users.
disable  Stops a user signing in and revokes their sessions at once; enable undoes it.

Works on DATABASE_URL, or the embedded database under DATA_DIR, like \`migrate\`.`;

export const command: CliCommand = {
  name: 'user',
  summary: 'Add, list, disable or enable users (the first administrator: user add NAME --admin)',
  usage: USAGE,
  async run(args, io) {
    let parsed;
    try {
      parsed = parseArgs({
        args,
        allowPositionals: true,
        options: { admin: { type: 'boolean' }, 'password-file': { type: 'string' } },
      });
    } catch (e) {
      io.stderr(`${(e as Error).message}\n`);
      return 2;
    }
    const [verb, name] = parsed.positionals;
    if (verb === 'list') {
      return withDatabase(io.env, async (sql) => {
        for (const u of await listUsers(sql))
          io.stdout(
            `${u.name}${u.isAdmin ? '  (administrator)' : ''}${u.disabled ? '  (disabled)' : ''}\n`,
          );
        return 0;
      });
    }
    if ((verb === 'disable' || verb === 'enable') && name) {
      return withDatabase(io.env, async (sql) => {
        const r = await setUserDisabled(sql, name, verb === 'disable', 'cli');
        io.stdout(
          verb === 'disable'
            ? `Disabled ${r.user.name}; revoked ${r.sessionsRevoked} session(s).\n`
            : `Enabled ${r.user.name}.\n`,
        );
        return 0;
      });
    }
    if (verb !== 'add' || !name) {
      io.stderr(`${USAGE}\n`);
      return 2;
    }
    if (!/^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/.test(name)) {
      io.stderr(
        'NAME must be 1–64 letters, digits or . _ @ - (starting with a letter or digit).\n',
      );
      return 2;
    }
    const password = await readPassword(parsed.values['password-file'], io.stderr);
    const problem = passwordProblem(password);
    if (problem) {
      io.stderr(`The password ${problem}.\n`);
      return 2;
    }
    const passwordHash = await hashPassword(password);
    return withDatabase(io.env, async (sql) => {
      const user = await createUser(
        sql,
        { name, passwordHash, isAdmin: parsed.values.admin ?? false },
        'cli',
      );
      io.stdout(`Created ${user.isAdmin ? 'administrator' : 'user'} ${user.name}.\n`);
      return 0;
    });
  },
};
