/** Display formatting. Decimal strings are formatted as strings (exact); metrics are numbers. */
import { isDecimal, round, sign, trim } from './decimal';

const DASH = '—';

function group(int: string): string {
  return int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** "1234567.891" → "1,234,567.89" (places fixed) or with places=null: as many as given, trimmed. */
export function formatDecimal(value: string | null | undefined, places: number | null = 2, plus = false): string {
  if (!isDecimal(value)) return value ?? DASH;
  const text = places === null ? trim(value) : round(value, places);
  const negative = text.startsWith('-');
  const [int = '0', frac] = (negative ? text.slice(1) : text).split('.');
  const body = `${group(int)}${frac !== undefined ? `.${frac}` : ''}`;
  const zero = sign(text) === 0;
  return `${negative && !zero ? '−' : plus && !zero ? '+' : ''}${body}`;
}

export const formatMoney = (value: string | null | undefined, plus = false) => formatDecimal(value, 2, plus);

/** Prices keep their precision but at least 2 decimals: "187.5" → "187.50", "0.12345" → "0.12345". */
export function formatPrice(value: string | null | undefined): string {
  if (!isDecimal(value)) return value ?? DASH;
  const trimmed = trim(value);
  const places = Math.min(Math.max((trimmed.split('.')[1] ?? '').length, 2), 6);
  return formatDecimal(value, places);
}

export const formatQty = (value: string | null | undefined) => formatDecimal(value, null);

export function formatPct(value: number | null | undefined, places = 2, plus = true): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  const pct = value * 100;
  const text = Math.abs(pct).toFixed(places);
  const zero = Number(text) === 0;
  return `${pct < 0 && !zero ? '−' : plus && !zero ? '+' : ''}${text}%`;
}

export function formatNumber(value: number | null | undefined, places = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  const text = Math.abs(value).toLocaleString('en-US', { minimumFractionDigits: places, maximumFractionDigits: places });
  return `${value < 0 && Number(value.toFixed(places)) !== 0 ? '−' : ''}${text}`;
}

export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  return Math.round(value).toLocaleString('en-US');
}

/** A metric Haro has no definition for: counts as counts ("526,000"), other numbers to four significant
 * digits with separators ("1,234.57", "0.01235") — never in exponent notation a trader has to decode. */
export function formatPlainMetric(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  if (Number.isInteger(value)) return `${value < 0 ? '−' : ''}${formatCount(Math.abs(value))}`;
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  return formatNumber(value, Math.min(Math.max(3 - magnitude, 2), 8));
}

/** CSS class for a signed value: number or decimal string. */
export function tone(value: number | string | null | undefined): 'pos' | 'neg' | '' {
  if (typeof value === 'number') return value > 0 ? 'pos' : value < 0 ? 'neg' : '';
  if (isDecimal(value)) {
    const s = sign(value);
    return s > 0 ? 'pos' : s < 0 ? 'neg' : '';
  }
  return '';
}

/** A chart axis or crosshair price: grouped thousands ("104,250.00"), two decimals from 1 up, more below
 *  1 so a crypto price or a tiny equity change still reads ("0.001234"). */
export function formatAxisPrice(value: number): string {
  if (!Number.isFinite(value)) return DASH;
  const size = Math.abs(value);
  const places = size === 0 || size >= 1 ? 2 : Math.min(Math.max(1 - Math.floor(Math.log10(size)) + 2, 2), 8);
  return formatNumber(value, places);
}

/** A return already in percent: 1.234 → "1.23%", −0.5 → "−0.50%", null → "—". */
export function formatReturnPct(value: number | null | undefined, places = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  const text = Math.abs(value).toFixed(places);
  const zero = Number(text) === 0;
  const [int = '0', frac] = text.split('.');
  const grouped = `${int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${frac === undefined ? '' : `.${frac}`}`;
  return `${value < 0 && !zero ? '−' : ''}${grouped}%`;
}
