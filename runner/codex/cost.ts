/**
 * Codex CLI reports tokens, not dollars: the cost of a session is estimated from a price table
 * (USD per million tokens, per model, `*` for any other model) that the settings provide.
 */
export interface TokenPrice {
  input: number;
  cachedInput: number;
  output: number;
}

export type PriceTable = Record<string, TokenPrice>;

/** Tokens as the Responses API counts them: `input` includes the cached part. */
export interface CodexTokens {
  input: number;
  cached: number;
  output: number;
}

/** The price of `model`: its own entry, else the longest entry that prefixes it, else `*`. */
export function priceFor(table: PriceTable, model: string | undefined): TokenPrice | undefined {
  if (model && table[model]) return table[model];
  const prefix = Object.keys(table)
    .filter((k) => k !== '*' && model?.startsWith(k))
    .sort((a, b) => b.length - a.length)[0];
  return prefix ? table[prefix] : table['*'];
}

/** Estimated USD for the tokens, or 0 when the table has no price for the model. */
export function estimateCost(table: PriceTable, model: string | undefined, t: CodexTokens): number {
  const p = priceFor(table, model);
  if (!p) return 0;
  const cached = Math.min(t.cached, t.input);
  return ((t.input - cached) * p.input + cached * p.cachedInput + t.output * p.output) / 1e6;
}
