/** A share as a whole percent ("—" when there is nothing to divide). */
export function pct(share: number | null | undefined): string {
  return share === null || share === undefined ? '—' : `${Math.round(share * 100)}%`;
}

/** A 95 % interval as "12–30%". */
export function range(low: number, high: number): string {
  return `${Math.round(low * 100)}–${Math.round(high * 100)}%`;
}
