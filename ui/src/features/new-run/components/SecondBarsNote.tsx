import type { RawValue } from '@/components/form/schema';

/** Percent of the cash from which an order on second bars is large against a bar's volume. */
const LARGE_PERCENT = 20;

/**
 * Why a paper run on second bars may drift from its backtest, said before it starts (a new user's all-in
 * 1Sec run filled a few dozen of 526 shares before each next signal): only Weaver's local exchange serves
 * second bars, and its default realistic fills give a market order about a tenth of each bar's volume.
 */
export function secondBarsText(mode: string, timeframe: string, percent: RawValue | undefined): string | null {
  const share = Number(percent);
  if (mode !== 'paper' || !timeframe.endsWith('Sec') || !Number.isFinite(share) || share < LARGE_PERCENT) return null;
  return `On second bars the local exchange fills a market order from about a tenth of each bar's volume: an order `
    + `for ${share} % of the cash can still be filling at the next signal, and the run will drift from its backtest `
    + `(its Live vs backtest tab says where). A smaller percent, a few %, trades closer to the backtest.`;
}

export function SecondBarsNote({ mode, timeframe, percent }: { mode: string; timeframe: string; percent: RawValue | undefined }) {
  const text = secondBarsText(mode, timeframe, percent);
  return text ? <div className="banner info" data-testid="second-bars-note">{text}</div> : null;
}
