/** How the run analysis reads: returns in percent to 2 decimals, a true minus sign, a tone only for a
 *  value that does not round to zero (−0.004% reads "0.00%", unstyled). */
import { formatDecimal } from '@/lib/format';

export { formatReturnPct } from '@/lib/format';

const DASH = '—';

/** Column labels of the monthly table (display text, not an API enum). */
export const MONTH_LABELS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];


/** 'pos' | 'neg' | '' for a percent value as shown at `places` decimals. */
export function returnTone(value: number | null | undefined, places = 2): 'pos' | 'neg' | '' {
  if (value === null || value === undefined || !Number.isFinite(value)) return '';
  const shown = Number(value.toFixed(places));
  return shown > 0 ? 'pos' : shown < 0 ? 'neg' : '';
}

/** A histogram bin's label: "−5 to 0%", "2.5 to 5%" (exact decimal edges from the API). */
export function binLabel(low: string, high: string): string {
  return `${formatDecimal(low, null)} to ${formatDecimal(high, null)}%`;
}

/** Sharpe to 2 decimals, or a dash where undefined. */
export function formatSharpe(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  const text = Math.abs(value).toFixed(2);
  return `${value < 0 && Number(text) !== 0 ? '−' : ''}${text}`;
}
