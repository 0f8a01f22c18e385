/**
 * The one helper for putting a URL into a message: credentials in it (`user:password@`) are
 * replaced before the text reaches a log line, an error or a response. It works on text that is
 * not a valid URL too, because a malformed setting is exactly when the value is shown.
 */

const MASK = '***';
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

function maskUserinfo(userinfo: string): string {
  const colon = userinfo.indexOf(':');
  // A lone user name may itself be a token (https://TOKEN@host), so only a name beside a
  // password is kept; one that contains a separator means the split guessed wrong.
  if (colon < 0) return MASK;
  const user = userinfo.slice(0, colon);
  return /^[^/?#\s]*$/.test(user) ? `${user}:${MASK}` : MASK;
}

/**
 * A URL with its credentials masked: `postgres://app:***@db:5432/x`. Text without a scheme or
 * without an `@` after it comes back unchanged. The last `@` ends the credentials, because an
 * unencoded `@` or `/` in a password is a common mistake and must not leak its tail.
 */
export function redactUrl(text: string): string {
  const scheme = SCHEME.exec(text);
  if (!scheme) return text;
  const rest = text.slice(scheme[0].length);
  const at = rest.lastIndexOf('@');
  if (at < 0) return text;
  return `${scheme[0]}${maskUserinfo(rest.slice(0, at))}${rest.slice(at)}`;
}

const IN_TEXT = /\b[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s'"<>]*@/g;

/** Masks the credentials of every URL inside free text (driver messages, stack traces). */
export function redactUrlsIn(text: string): string {
  return text.replace(IN_TEXT, (m) => redactUrl(m));
}
