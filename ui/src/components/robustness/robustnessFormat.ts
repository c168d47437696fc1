/** How the robustness results read: equity in dollars with separators and cents, percents to 2
 *  decimals, drawdowns negative (as the run page's Max DD), probabilities as percents, the random-entry
 *  benchmark as a sentence, and the form's checks. */
import { formatCount, formatNumber, formatReturnPct } from '@/lib/format';
import { formatMetric, readMetric } from '@/lib/metrics';
import type { RandomEntry, RobustnessIn } from '@/lib/api/robustness';

const DASH = '—';
/** The server's cap on paths per test (app/services/robustness.py MAX_RESAMPLES); it refuses more (422). */
export const MAX_RESAMPLES = 100_000;

/** 12345.678 → "$12,345.68", −5 → "−$5.00". */
export function formatEquity(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  const text = formatNumber(Math.abs(value), 2);
  return `${value < 0 && Number(text.replace(/,/g, '')) !== 0 ? '−' : ''}$${text}`;
}

/** A share of paths 0..1 as a percent: 0.1234 → "12.3%"; a share that is not zero but rounds to it reads
 *  "< 0.1%" so a rare ruin is not hidden. */
export function formatShare(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  if (value > 0 && value < 0.0005) return '< 0.1%';
  return `${(value * 100).toFixed(1)}%`;
}

/** A p-value: two decimals, three below 0.01, and "< 1/N" when no random run reached the strategy. */
export function formatPValue(p: number, resamples: number): string {
  if (p <= 0) return `p < ${formatBound(1 / Math.max(resamples, 1))}`;
  return `p = ${p >= 0.01 ? p.toFixed(2) : p.toFixed(3)}`;
}

function formatBound(value: number): string {
  return value >= 0.01 ? value.toFixed(2) : value >= 0.001 ? value.toFixed(3) : value.toPrecision(1);
}

/** Where the strategy's return falls among the random-entry runs', in words. The top 5% (p < 0.05):
 *  "… beat 97.0% of 1,000 random-entry runs (p = 0.03): unlikely to be luck of timing."; the bottom 5%:
 *  "… was beaten by all 1,000 random-entry runs (p = 1.00): its timing did worse than chance."; between:
 *  "… beat 60.0% of … (p = 0.40): within what random timing gives." */
export function randomEntrySentence(re: RandomEntry): string {
  const head = `The closed trades' return of ${formatReturnPct(re.strategy_return_pct)}`;  // (trial 37: not the run's return when it ended holding)
  const runs = `${formatCount(re.resamples)} random-entry runs (${formatPValue(re.p_value, re.resamples)})`;
  if (re.p_value > 0.95) {
    const beaten = 100 - re.percentile;
    const share = re.percentile <= 0 ? 'all' : `${beaten.toFixed(1)}% of`;
    return `${head} was beaten by ${share} ${runs}: its timing did worse than chance.`;
  }
  const meaning = re.p_value < 0.05 ? 'unlikely to be luck of timing' : 'within what random timing gives';
  return `${head} beat ${re.percentile.toFixed(1)}% of ${runs}: ${meaning}.`;
}

/** The API's positive max-drawdown percent as the run page's Max DD shows it: 10.674 → "−10.67%". */
export function formatDrawdownPct(value: number | null | undefined): string {
  return formatMetric('max_drawdown', readMetric({ max_drawdown_pct: value ?? null }, 'max_drawdown'));
}

/** A max-drawdown histogram bin from the API's positive edges, from its shallow edge to its deep one:
 *  (12.5, 15) → "−12.5 to −15.0%", (0, 10) → "0.0 to −10.0%"; narrow bins get the decimals that tell their
 *  edges apart, (0.02, 0.04) → "−0.020 to −0.040%" (trial 40: every bin of a small drawdown read "0.0 to 0.0%"). */
export function drawdownBinLabel(low: number, high: number): string {
  const width = Math.abs(high - low);
  const digits = width > 0 ? Math.min(6, Math.max(1, Math.ceil(-Math.log10(width)) + 1)) : 1;
  return `${drawdownEdge(low, digits)} to ${drawdownEdge(high, digits)}%`;
}

function drawdownEdge(value: number, digits: number): string {
  const text = Math.abs(value).toFixed(digits);
  return Number(text) === 0 ? text : `−${text}`;
}

export interface RobustnessForm { resamples: string; seed: string; ruin: string }
export const DEFAULT_FORM: RobustnessForm = { resamples: '1000', seed: '0', ruin: '50' };

/** The form's values as a request, or a message per bad field (the server checks the same bounds). */
export function parseForm(form: RobustnessForm): { body: RobustnessIn } | { errors: Partial<Record<keyof RobustnessForm, string>> } {
  const errors: Partial<Record<keyof RobustnessForm, string>> = {};
  const resamples = Number(form.resamples.replace(/,/g, '').trim());
  const seed = Number(form.seed.trim());
  const ruin = Number(form.ruin.trim());
  if (!form.resamples.trim() || !Number.isInteger(resamples) || resamples < 1 || resamples > MAX_RESAMPLES) {
    errors.resamples = `a whole number from 1 to ${formatCount(MAX_RESAMPLES)}`;
  }
  if (!form.seed.trim() || !Number.isSafeInteger(seed) || seed < 0) errors.seed = 'a whole number, 0 or more';
  if (!form.ruin.trim() || !Number.isFinite(ruin) || ruin <= 0 || ruin > 100) errors.ruin = 'a percent above 0, at most 100';
  if (Object.keys(errors).length) return { errors };
  return { body: { resamples, seed, ruin_drawdown_pct: ruin } };
}
