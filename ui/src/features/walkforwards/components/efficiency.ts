/**
 * What a walk-forward efficiency (out-of-sample annualised return over the in-sample one) means, in a
 * short clause that depends on its value: a single "near 1 is good" reads wrongly for 1.65 or for -0.3.
 */
export function efficiencyMeaning(value: number | null | undefined, reason?: string | null, inSamplePct?: number | null): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return reason || 'not available';
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
