import * as v from 'valibot';
import { AUTH_MODES } from '../../core/domain.ts';
import { ROLES } from '../../core/auth/roles.ts';
import { passwordProblem } from '../../core/auth/password.ts';
import { int, timestamp, uuid } from './common.ts';

/**
 * Accounts (AUTH_MODE=accounts): signing in (/api/auth/…), users (/api/users), campaign members
 * (/api/campaigns/:id/members) and the audit trail (/api/audit).
 */

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
/** viewer (reads), operator (runs), admin (members, settings, deletes): per campaign. */
export type Role = v.InferOutput<typeof role>;

/** POST /api/auth/signin. */
export const SignInInput = v.strictObject({ name: userName, password: anyPassword });
export type SignInInput = v.InferInput<typeof SignInInput>;

/** POST /api/auth/setup (the first administrator) and POST /api/users. */
export const NewUserInput = v.strictObject({
  name: userName,
  password: newPassword,
  admin: v.optional(v.boolean('must be true or false')),
});
export type NewUserInput = v.InferInput<typeof NewUserInput>;

/** PUT /api/campaigns/:id/members: add a member or change their role. */
export const MemberInput = v.strictObject({ name: userName, role });
export type MemberInput = v.InferInput<typeof MemberInput>;

const when = v.pipe(
  v.string(),
  v.check(
    (s) => /^\d{4}-\d\d-\d\d/.test(s) && !Number.isNaN(Date.parse(s)),
    'must be a date or ISO timestamp',
  ),
  v.transform((s) => new Date(s)),
);

/** GET /api/audit: filters (`from` inclusive, `to` exclusive), keyset paging, JSON or CSV. */
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

/** GET /api/auth/status: the access mode, and whether the first-run page applies. */
export const AuthStatus = v.strictObject({
  mode: v.picklist(AUTH_MODES),
  setupNeeded: v.boolean(),
});
export type AuthStatus = v.InferOutput<typeof AuthStatus>;

/** POST /api/auth/signin and /setup: who is now signed in. */
export const SignedIn = v.strictObject({ name: v.string(), isAdmin: v.boolean() });
export type SignedIn = v.InferOutput<typeof SignedIn>;

/** GET /api/auth/session: who the request acts for, with their roles. */
export const SessionInfo = v.strictObject({
  mode: v.picklist(AUTH_MODES),
  /** local, access-token, user, api-token, anonymous or link. */
  kind: v.string(),
  actor: v.string(),
  name: v.nullable(v.string()),
  globalAdmin: v.boolean(),
  /** A role on every campaign (API tokens not tied to one campaign). */
  everyCampaign: v.nullable(v.picklist(ROLES)),
  /** Roles by campaign id. */
  campaigns: v.record(v.string(), v.picklist(ROLES)),
});
export type SessionInfo = v.InferOutput<typeof SessionInfo>;

export const User = v.strictObject({
  id: uuid,
  name: v.string(),
  isAdmin: v.boolean(),
  disabled: v.boolean(),
  createdAt: timestamp,
});
export type User = v.InferOutput<typeof User>;

export const UserList = v.strictObject({ items: v.array(User) });
export type UserList = v.InferOutput<typeof UserList>;

/** A user's role on one campaign. */
export const Member = v.strictObject({
  userId: uuid,
  name: v.string(),
  role: v.picklist(ROLES),
  createdAt: timestamp,
});
export type Member = v.InferOutput<typeof Member>;

export const MemberList = v.strictObject({ items: v.array(Member) });
export type MemberList = v.InferOutput<typeof MemberList>;

export const AUDIT_OUTCOMES = ['ok', 'denied', 'failed'] as const;

/** One entry of the append-only audit trail. */
export const AuditRow = v.strictObject({
  id: int,
  at: timestamp,
  /** `local`, `user:NAME`, `token:NAME`, `webhook:DELIVERY` … */
  actor: v.string(),
  action: v.string(),
  outcome: v.picklist(AUDIT_OUTCOMES),
  targetType: v.string(),
  targetId: v.nullable(v.string()),
  details: v.record(v.string(), v.unknown()),
  campaignId: v.nullable(uuid),
  clientAddress: v.nullable(v.string()),
  requestId: v.nullable(v.string()),
});
export type AuditRow = v.InferOutput<typeof AuditRow>;

/** A page of the audit trail; `nextBefore` asks for the next (older) page. */
export const AuditPage = v.strictObject({
  items: v.array(AuditRow),
  nextBefore: v.nullable(int),
});
export type AuditPage = v.InferOutput<typeof AuditPage>;
