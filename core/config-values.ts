import * as v from 'valibot';

/**
 * The value types settings are parsed with (core/config.ts). Each message says what was
 * expected, as the one line start-up prints ends with it.
 */

/** An integer in [min, max]. */
export const int = (min: number, max: number) =>
  v.pipe(
    v.string(),
    v.regex(/^\d+$/, `an integer from ${min} to ${max}`),
    v.transform(Number),
    v.minValue(min, `an integer from ${min} to ${max}`),
    v.maxValue(max, `an integer from ${min} to ${max}`),
  );

/** A yes/no flag. */
export const bool = v.pipe(
  v.picklist(
    ['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'],
    'one of true/false/1/0/yes/no/on/off',
  ),
  v.transform((s) => ['1', 'true', 'yes', 'on'].includes(s)),
);

function protocolOf(s: string): string | undefined {
  try {
    const u = new URL(s);
    // An unencoded @ in a password splits it into host and path: not the URL that was meant.
    return u.pathname.includes('@') ? undefined : u.protocol;
  } catch {
    return undefined;
  }
}

/**
 * A URL with one of the given protocols (`['postgres:', 'postgresql:']`). A value that is no URL
 * at all is told so, not blamed on its scheme.
 */
export const url = (protocols: string[], example: string) => {
  const schemes = protocols.map((p) => p + '//').join(' or ');
  return v.pipe(
    v.string(),
    v.check(
      (s) => protocolOf(s) !== undefined,
      `a valid URL such as ${example} (characters such as @ : / # in a password must be percent-encoded)`,
    ),
    v.check((s) => {
      const p = protocolOf(s);
      return p === undefined || protocols.includes(p);
    }, `a URL starting with ${schemes}`),
  );
};

/** Any non-empty text. */
export const text = v.pipe(v.string(), v.minLength(1, 'a non-empty value'));

/** A duration such as 500ms, 30s, 15m or 2h, in milliseconds. */
export const duration = v.pipe(
  v.string(),
  v.regex(/^\d+(ms|s|m|h)$/, 'a duration such as 500ms, 30s, 15m or 2h'),
  v.transform((s) => {
    const n = Number(s.replace(/[a-z]+$/, ''));
    const unit = s.replace(/^\d+/, '');
    return n * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as Record<string, number>)[unit]!;
  }),
);

/** A comma-separated list. */
export const list = v.pipe(
  v.string(),
  v.transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  ),
);

/** A command as a JSON array of strings (argv, never a shell line). */
export const argv = v.pipe(
  v.string(),
  v.transform((s) => {
    try {
      return JSON.parse(s) as unknown;
    } catch {
      return null;
    }
  }),
  v.array(
    v.pipe(v.string(), v.minLength(1)),
    'a JSON array of strings, e.g. ["./deploy.sh","{name}"]',
  ),
  v.minLength(1, 'a JSON array with at least the program'),
);

/** INNGEST_DEV as Inngest reads it: off, on, or on with the dev server's URL. */
export interface InngestDev {
  dev: boolean;
  url?: string;
}

const DEV_OFF = new Set(['0', 'false', 'no', 'off']);
const DEV_ON = new Set(['1', 'true', 'yes', 'on']);

/** Parses INNGEST_DEV once: 1/true/yes/on, 0/false/no/off, or an http(s) URL of a dev server. */
export const inngestDev = v.pipe(
  v.string(),
  v.rawTransform(({ dataset, addIssue, NEVER }): InngestDev => {
    const raw = dataset.value.trim();
    const low = raw.toLowerCase();
    if (!low || DEV_OFF.has(low)) return { dev: false };
    if (DEV_ON.has(low)) return { dev: true };
    try {
      const u = new URL(raw);
      if (u.protocol === 'http:' || u.protocol === 'https:')
        return { dev: true, url: u.href.replace(/\/$/, '') };
    } catch {
      // not a URL: reported below
    }
    addIssue({ message: "1 or the dev server's URL (e.g. http://127.0.0.1:8288)" });
    return NEVER;
  }),
);

const price = v.pipe(v.number(), v.minValue(0));

/** A price table as JSON: `{"model": {"input": n, "cachedInput": n, "output": n}}`, USD per million tokens. */
export const prices = v.pipe(
  v.string(),
  v.transform((s) => {
    try {
      return JSON.parse(s) as unknown;
    } catch {
      return null;
    }
  }),
  v.record(
    v.string(),
    v.object({ input: price, cachedInput: price, output: price }),
    'a JSON object of models to {"input","cachedInput","output"} USD per million tokens',
  ),
);
