import { describe, expect, it } from 'vitest';
import type { Series } from '@/lib/api/types';
import { assetClassOf, storedAssetClass } from './assetClass';

const series = (symbol: string, timeframe: string, asset_class: Series['asset_class']): Series => ({
  symbol, timeframe, first_ts: null, last_ts: null, count: 0, source: 'csv', description: null, asset_class,
});
const SERIES = [series('AAPL', '1Day', 'us_equity'), series('AAPL', '1Min', 'us_equity'), series('MSFT', '1Day', 'us_equity'),
  series('BTC/USD', '1Hour', 'crypto'), series('CSV', '1Day', null)];

describe('storedAssetClass', () => {
  it('is the class the chosen symbols share', () => {
    expect(storedAssetClass(SERIES, ['AAPL'])).toBe('us_equity');
    expect(storedAssetClass(SERIES, ['AAPL', 'MSFT'])).toBe('us_equity');
    expect(storedAssetClass(SERIES, ['BTC/USD'])).toBe('crypto');
  });

  it("is '' (from the data) with no symbol, classes that differ, or a symbol with none stored", () => {
    expect(storedAssetClass(SERIES, [])).toBe('');
    expect(storedAssetClass(SERIES, ['AAPL', 'BTC/USD'])).toBe('');
    expect(storedAssetClass(SERIES, ['AAPL', 'CSV'])).toBe('');
    expect(storedAssetClass(SERIES, ['NOPE'])).toBe('');
  });
});

describe('assetClassOf', () => {
  it("keeps the user's pick, '' (from the data) included, over the stored class", () => {
    expect(assetClassOf(null, SERIES, ['AAPL'])).toBe('us_equity');
    expect(assetClassOf('crypto', SERIES, ['AAPL'])).toBe('crypto');
    expect(assetClassOf('', SERIES, ['AAPL'])).toBe('');
  });
});
