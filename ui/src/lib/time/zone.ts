/**
 * The API speaks UTC; the UI shows times in the user's zone or in UTC (a toggle, remembered in
 * localStorage). Every formatter takes the zone explicitly, so it is testable and pure.
 */
export type ZoneMode = 'local' | 'utc';
const KEY = 'haro.timezone';
type Listener = () => void;
const listeners = new Set<Listener>();

/** Old IANA names some browsers still resolve to (their ICU keeps the first spelling), by today's name:
 *  trial 31 read "Asia/Calcutta" set as Asia/Kolkata. The two name the same rules, so only the label changes. */
const RENAMED: Record<string, string> = {
  'Asia/Calcutta': 'Asia/Kolkata', 'Asia/Saigon': 'Asia/Ho_Chi_Minh', 'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon', 'Europe/Kiev': 'Europe/Kyiv', 'America/Godthab': 'America/Nuuk',
  'Atlantic/Faeroe': 'Atlantic/Faroe', 'Pacific/Truk': 'Pacific/Chuuk', 'Pacific/Ponape': 'Pacific/Pohnpei',
  'America/Buenos_Aires': 'America/Argentina/Buenos_Aires', 'America/Indianapolis': 'America/Indiana/Indianapolis',
  'Asia/Dacca': 'Asia/Dhaka', 'Asia/Ulan_Bator': 'Asia/Ulaanbaatar',
};

export function currentZoneName(zone: string): string {
  return RENAMED[zone] ?? zone;
}

export function localZone(): string {
  return currentZoneName(Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
}

export function zoneFor(mode: ZoneMode): string {
  return mode === 'utc' ? 'UTC' : localZone();
}

export function getZoneMode(): ZoneMode {
  try {
    return window.localStorage.getItem(KEY) === 'utc' ? 'utc' : 'local';
  } catch {
    return 'local';
  }
}

export function setZoneMode(mode: ZoneMode): void {
  try {
    window.localStorage.setItem(KEY, mode);
  } catch {
    /* not persisted: still switches for this page */
  }
  current = mode;
  listeners.forEach((l) => l());
}

let current: ZoneMode | null = null;

export function currentZoneMode(): ZoneMode {
  current ??= getZoneMode();
  return current;
}

export function subscribeZone(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function partsIn(date: Date, zone: string): Record<string, string> {
  let fmt = formatters.get(zone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZoneName: 'shortOffset',
    });
    formatters.set(zone, fmt);
  }
  const out: Record<string, string> = {};
  for (const p of fmt.formatToParts(date)) out[p.type] = p.value;
  return out;
}

function toDate(value: string | number | Date): Date | null {
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** `day` is a daily bar's calendar date: the UTC date it is stamped with, the same in every zone (a daily
 *  bar of 2023-01-02 is that date, not the instant 2023-01-01 19:00 in New York). */
export type TimeStyle = 'datetime' | 'seconds' | 'date' | 'time' | 'day';

/** "2024-03-01 14:30" in the zone; `seconds` adds :ss; `date` and `time` give one half; `day` the UTC date. */
export function formatInZone(value: string | number | Date | null | undefined, zone: string,
  style: TimeStyle = 'datetime'): string {
  if (value === null || value === undefined || value === '') return '—';
  const date = toDate(value);
  if (!date) return String(value);
  const p = partsIn(date, style === 'day' ? 'UTC' : zone);
  const day = `${p.year}-${p.month}-${p.day}`;
  const hm = `${p.hour}:${p.minute}`;
  switch (style) {
    case 'date':
    case 'day':
      return day;
    case 'time':
      return hm;
    case 'seconds':
      return `${day} ${hm}:${p.second}`;
    default:
      return `${day} ${hm}`;
  }
}

/** The zone's offset label at a moment: "UTC", "GMT+1", "GMT-4". */
export function offsetLabel(zone: string, at: Date = new Date()): string {
  if (zone === 'UTC') return 'UTC';
  return partsIn(at, zone).timeZoneName ?? zone;
}

/** What the header says about the times on screen. */
export function zoneDescription(mode: ZoneMode, at: Date = new Date()): string {
  if (mode === 'utc') return 'UTC';
  const zone = localZone();
  return zone === 'UTC' || zone === 'Etc/UTC' ? 'local = UTC' : `${zone} (${offsetLabel(zone, at)})`;
}

/** Wall-clock "YYYY-MM-DDTHH:mm" typed in `zone` → the UTC instant as ISO-8601. */
export function wallTimeToUtcIso(wall: string, zone: string): string | null {
  // (an input with step=1 gives seconds, and some engines write ".000" after them)
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$/.exec(wall.trim());
  if (!m) return null;
  const [, y, mo, d, h = '00', mi = '00', sec = '00'] = m;
  const asUtc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec));
  if (zone === 'UTC') return new Date(asUtc).toISOString();
  // The zone's offset at that wall time: format the guess back and correct by the difference (twice for DST edges).
  let guess = asUtc;
  for (let i = 0; i < 2; i += 1) {
    const p = partsIn(new Date(guess), zone);
    const shown = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute),
      Number(p.second));
    guess += asUtc - shown;
  }
  return new Date(guess).toISOString();
}

/** The UTC instant → wall-clock "YYYY-MM-DDTHH:mm" in `zone` (for datetime-local inputs); with `seconds`,
 *  "…:ss" (second bars: a window picked to the second, trial 38). */
export function utcIsoToWallTime(iso: string | null | undefined, zone: string, seconds = false): string {
  if (!iso) return '';
  const date = toDate(iso);
  if (!date) return '';
  const p = partsIn(date, zone);
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}${seconds ? `:${p.second}` : ''}`;
}

/** The wall clock of `zone` at a UTC instant, as seconds of a UTC clock showing that wall time (what a
 *  chart is given so its day, month and year boundaries fall at the zone's midnights). */
export function wallClockSeconds(utcSeconds: number, zone: string): number {
  if (zone === 'UTC' || zone === 'Etc/UTC') return utcSeconds;
  const p = partsIn(new Date(utcSeconds * 1000), zone);
  return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour) % 24, Number(p.minute),
    Number(p.second)) / 1000;
}

/** ISO 8601 UTC instants inside a server's sentence ("on the bar of 2026-12-07T13:34:06Z", "…T21:00:00+00:00"). */
const STAMP = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|\+00:00)/g;

/** The text with each ISO UTC instant in it shown in `zone` with seconds, as the rows beside it are
 *  (trial 30: a drift note said "13:34:06 UTC" under rows in New York time). */
export function localizeStamps(text: string, zone: string): string {
  return text.replace(STAMP, (stamp) => formatInZone(stamp, zone, 'seconds'));
}
