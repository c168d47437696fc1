/** A run's asset class: pre-filled from the chosen symbols' stored instruments, until the user picks one. */
import type { AssetClass, Series } from '@/lib/api/types';

/** The select's choices; '' sends none, so the year comes from the data's own bar spacing. */
export const ASSET_CLASS_LABELS: Record<AssetClass | '', string> = {
  '': 'from the data', us_equity: 'us_equity (252 sessions a year)', crypto: 'crypto (365 days of 24 h)',
  other: 'other (the data\'s own year)',
};
export const ASSET_CLASS_CHOICES = Object.entries(ASSET_CLASS_LABELS) as Array<[AssetClass | '', string]>;

/** The class every chosen symbol's stored instrument shares; '' when none is chosen, one has none stored or they differ. */
export function storedAssetClass(series: Series[], symbols: string[]): AssetClass | '' {
  const classes = new Set(symbols.map((symbol) => series.find((s) => s.symbol === symbol && s.asset_class)?.asset_class ?? ''));
  const [only] = classes;
  return classes.size === 1 && only ? only : '';
}

/** The class the form shows and sends: the user's pick (null: none yet), else the stored one. */
export function assetClassOf(picked: AssetClass | '' | null, series: Series[], symbols: string[]): AssetClass | '' {
  return picked ?? storedAssetClass(series, symbols);
}
