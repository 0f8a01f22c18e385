import { NotifyError, type Delivered } from './types.ts';
import { checkTargetUrl } from './url.ts';

/** How long one request may take before it counts as failed (and is retried). */
export const REQUEST_TIMEOUT_MS = 10_000;

/**
 * POSTs a body to a checked URL. Redirects are not followed (a receiver that moved is a
 * configuration to fix, and following would send the payload somewhere not checked). 2xx is
 * delivered; 408, 429 and 5xx, timeouts and network errors are retriable; other statuses are not.
 * Messages name only the URL's origin: the path of an incoming webhook is its credential.
 */
export async function post(
  rawUrl: string,
  body: string,
  headers: Record<string, string>,
  signal?: AbortSignal,
): Promise<Delivered> {
  const url = checkTargetUrl(rawUrl);
  const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'user-agent': 'scenario-generator', ...headers },
      redirect: 'manual',
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  } catch (e) {
    const reason = timeout.aborted ? `no answer in ${REQUEST_TIMEOUT_MS / 1000} s` : causeOf(e);
    throw new NotifyError(`POST ${url.origin} failed: ${reason}`, { retriable: true, cause: e });
  }
  const text = (await res.text().catch(() => '')).slice(0, 300);
  if (res.ok) return { status: res.status, ...(text ? { response: text } : {}) };
  const retriable = res.status === 408 || res.status === 429 || res.status >= 500;
  const retryAfterMs = retryAfter(res.headers.get('retry-after'));
  throw new NotifyError(`POST ${url.origin} answered ${res.status}${text ? `: ${text}` : ''}`, {
    retriable,
    status: res.status,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

/** fetch wraps the reason (ECONNREFUSED, a TLS error) in `cause`. */
function causeOf(e: unknown): string {
  const cause = e instanceof Error ? e.cause : undefined;
  const code = (cause as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') return code;
  return e instanceof Error ? e.message : String(e);
}

/** Retry-After in seconds or as an HTTP date, capped at an hour. */
function retryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const ms = /^\d+$/.test(value.trim()) ? Number(value) * 1000 : Date.parse(value) - Date.now();
  return Number.isFinite(ms) && ms >= 0 ? Math.min(ms, 3_600_000) : undefined;
}
