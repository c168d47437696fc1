import { formatNumber } from '@/lib/format';

/**
 * What a walk-forward efficiency (out-of-sample annualised return over the in-sample one) means, in a
 * short clause that depends on its value: a single "near 1 is good" reads wrongly for 1.65 or for -0.3.
 * Given the folds' own efficiencies, it adds "but folds varied widely (−5.69 to 11.08)" when they do: one
 * fold's sign differs from another's, or their spread is larger than the overall value, so a stitched 0.63
 * does not read as every fold holding up.
 */
export function efficiencyMeaning(value: number | null | undefined, reason?: string | null, inSamplePct?: number | null,
  foldEfficiencies?: readonly (number | null | undefined)[]): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return reason || 'not available';
  return bandMeaning(value, inSamplePct) + spreadClause(value, foldEfficiencies);
}

/** ", but folds varied widely (low to high)" when the folds' efficiencies straddle zero or spread wider
 *  than the overall value is far from zero; "" otherwise (or with fewer than two folds to compare). */
export function spreadClause(value: number, foldEfficiencies?: readonly (number | null | undefined)[]): string {
  const folds = (foldEfficiencies ?? []).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (folds.length < 2) return '';
  const low = Math.min(...folds);
  const high = Math.max(...folds);
  if (!((low < 0 && high > 0) || high - low > Math.abs(value))) return '';
  return `, but folds varied widely (${formatNumber(low, 2)} to ${formatNumber(high, 2)})`;
}

function bandMeaning(value: number, inSamplePct?: number | null): string {
  if (value < 0) {
    // a negative ratio from an in-sample loss is not a failure to hold up: say what happened instead
    if (inSamplePct !== null && inSamplePct !== undefined && inSamplePct < 0) {
      return 'the in-sample result lost money while the out-of-sample one made it: the ratio says little';
    }
    return 'the out-of-sample result lost money while the in-sample one made it: what the optimisation found did not hold';
  }
  if (value < 0.5) return 'out of sample it kept less than half of the in-sample return: much of it was fitted to noise';
  if (value <= 1) return 'out of sample it kept most of the in-sample return';
  return 'it did better out of sample than in sample (often luck in few folds)';
}
