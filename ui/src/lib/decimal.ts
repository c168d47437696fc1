/**
 * Exact arithmetic on the API's decimal strings (BigInt scaled integers): sums and differences of
 * money never go through floats, so "0.10" + "0.20" is "0.30".
 */
interface Scaled { units: bigint; scale: number }

const PATTERN = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

export function isDecimal(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '' && PATTERN.test(value.trim());
}

function parse(value: string): Scaled {
  const match = PATTERN.exec(value.trim());
  if (!match) throw new Error(`not a decimal: ${value}`);
  const [, sign = '', int = '', frac = '', exp = '0'] = match;
  let digits = `${int}${frac}` || '0';
  let scale = frac.length - Number(exp);
  if (scale < 0) {
    digits += '0'.repeat(-scale);
    scale = 0;
  }
  const units = BigInt(digits) * (sign === '-' ? -1n : 1n);
  return { units, scale };
}

function rescale(d: Scaled, scale: number): bigint {
  return d.units * 10n ** BigInt(scale - d.scale);
}

function render(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const int = digits.slice(0, digits.length - scale);
  const frac = scale > 0 ? `.${digits.slice(digits.length - scale)}` : '';
  return `${negative ? '-' : ''}${int}${frac}`;
}

export function add(...values: Array<string | null | undefined>): string {
  const parsed = values.filter(isDecimal).map(parse);
  if (parsed.length === 0) return '0';
  const scale = Math.max(...parsed.map((p) => p.scale));
  return render(parsed.reduce((sum, p) => sum + rescale(p, scale), 0n), scale);
}

export function sub(a: string, b: string): string {
  const x = parse(a);
  const y = parse(b);
  const scale = Math.max(x.scale, y.scale);
  return render(rescale(x, scale) - rescale(y, scale), scale);
}

export function compare(a: string, b: string): number {
  const x = parse(a);
  const y = parse(b);
  const scale = Math.max(x.scale, y.scale);
  const d = rescale(x, scale) - rescale(y, scale);
  return d === 0n ? 0 : d < 0n ? -1 : 1;
}

export function sign(value: string): -1 | 0 | 1 {
  const { units } = parse(value);
  return units === 0n ? 0 : units < 0n ? -1 : 1;
}

/** Round half away from zero to `places` decimals, as a plain (non-exponent) string. */
export function round(value: string, places: number): string {
  const d = parse(value);
  if (d.scale <= places) return render(rescale(d, places), places);
  const factor = 10n ** BigInt(d.scale - places);
  const negative = d.units < 0n;
  const abs = negative ? -d.units : d.units;
  let q = abs / factor;
  if ((abs % factor) * 2n >= factor) q += 1n;
  return render(negative ? -q : q, places);
}

/** Drop trailing fractional zeros: "12.5000" → "12.5", "3.000" → "3". */
export function trim(value: string): string {
  const d = parse(value);
  const s = render(d.units, d.scale);
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** a / b − 1 in basis points, exactly (integer division, half away from zero); null when b is 0. */
export function changeBps(a: string, b: string): number | null {
  const x = parse(a);
  const y = parse(b);
  const scale = Math.max(x.scale, y.scale);
  const num = rescale(x, scale) - rescale(y, scale);
  const den = rescale(y, scale);
  if (den === 0n) return null;
  const scaled = num * 10000n * 2n;
  let q = scaled / den;
  q = q >= 0n ? (q + 1n) / 2n : (q - 1n) / 2n;
  return Number(q);
}
