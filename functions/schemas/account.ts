import * as v from 'valibot';
import { ROLES } from '../../core/auth/roles.ts';
import { passwordProblem } from '../../core/auth/password.ts';
import { uuid } from './common.ts';

/** User names: letters, digits and `._@-`, up to 64 characters, starting with a letter or digit. */
export const userName = v.pipe(
  v.string('must be a string'),
  v.regex(
    /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/,
    'must be 1–64 letters, digits or . _ @ - (starting with a letter or digit)',
  ),
);

const anyPassword = v.pipe(
  v.string('must be a string'),
  v.minLength(1, 'must not be empty'),
  v.maxLength(1000, 'must be at most 1000 characters'),
);

/** A new password: the rule of core/auth/password.ts. */
export const newPassword = v.pipe(
  v.string('must be a string'),
  v.check(
    (s) => passwordProblem(s) === undefined,
    (i) => passwordProblem(String(i.input)) ?? '',
  ),
);

export const role = v.picklist(ROLES, `must be one of ${ROLES.join(', ')}`);

/** POST /api/auth/signin. */
export const SignInInput = v.strictObject({ name: userName, password: anyPassword });

/** POST /api/auth/setup (the first administrator) and POST /api/users. */
export const NewUserInput = v.strictObject({
  name: userName,
  password: newPassword,
  admin: v.optional(v.boolean('must be true or false')),
});

/** PUT /api/campaigns/:id/members. */
export const MemberInput = v.strictObject({ name: userName, role });

const when = v.pipe(
  v.string(),
  v.check(
    (s) => /^\d{4}-\d\d-\d\d/.test(s) && !Number.isNaN(Date.parse(s)),
    'must be a date or ISO timestamp',
  ),
  v.transform((s) => new Date(s)),
);

/** GET /api/audit. */
export const AuditQuery = v.strictObject({
  actor: v.optional(v.pipe(v.string(), v.maxLength(200))),
  action: v.optional(
    v.pipe(v.string(), v.regex(/^[a-z_.]{1,100}$/, 'must be an action such as run.start or run.')),
  ),
  campaign: v.optional(uuid),
  from: v.optional(when),
  to: v.optional(when),
  before: v.optional(
    v.pipe(v.string(), v.regex(/^\d{1,15}$/, 'must be an audit row id'), v.transform(Number)),
  ),
  limit: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d{1,4}$/, 'must be 1 to 1000'),
      v.transform(Number),
      v.minValue(1, 'must be 1 to 1000'),
      v.maxValue(1000, 'must be 1 to 1000'),
    ),
  ),
  format: v.optional(v.picklist(['json', 'csv'], 'must be json or csv')),
});
