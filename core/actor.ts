/**
 * Who acted, for a sentence a person reads. Actors are recorded as `local` (no accounts: whoever
 * runs this machine), `user:NAME`, `token:NAME`, or a word (`webhook`, `access-token`,
 * `signed-link`); "Cancelled by local." said nothing to anyone.
 */
export function byWhom(actor: string): string {
  if (actor === 'local' || actor === '') return '';
  const m = /^(user|token):(.+)$/.exec(actor);
  if (m?.[1] === 'user') return ` by ${m[2]}`;
  if (m?.[1] === 'token') return ` through the API token “${m[2]}”`;
  if (actor === 'webhook') return ' by a webhook';
  if (actor === 'access-token') return ' through the access token';
  if (actor === 'signed-link') return ' through a signed link';
  return ` by ${actor}`;
}
