import { describe, expect, it } from 'vitest';
import type { ParamsSchema, Run } from '@/lib/api/types';
import { changedFromRun, paramsFromRun, settingsFromRun } from './fromRun';

const SCHEMA: ParamsSchema = { type: 'object', properties: {
  fast: { type: 'integer', default: 10 }, slow: { type: 'integer', default: 20 }, allow_short: { type: 'boolean' } } };
const RUN = {
  id: 'bt-1', mode: 'backtest', strategy: 'sma_cross', params: { fast: 5, slow: 20, allow_short: false },
  symbols: ['AAPL'], timeframe: '1Min', cash: '100000.0000', fees: { model: 'percent', rate: '0.1000' },
  slippage: { model: 'none' }, options: { fractional: false, allow_short: false },
} as unknown as Run;

describe('changedFromRun', () => {
  it('says nothing while the form holds what the run ran with (cash and rates read as numbers)', () => {
    const settings = { ...settingsFromRun(RUN, 'paper'), cash: '100000.00', feeRate: '0.10' };
    expect(changedFromRun(RUN, 'sma_cross', SCHEMA, paramsFromRun(SCHEMA, RUN), settings, 'paper')).toEqual([]);
  });

  it('lists each change in form order (trial 43: a timeframe changed after filling went unsaid)', () => {
    const settings = { ...settingsFromRun(RUN, 'paper'), timeframe: '1Sec' as const, cash: '50000', allowShort: true };
    const params = { ...paramsFromRun(SCHEMA, RUN), fast: '8' };
    expect(changedFromRun(RUN, 'sma_cross', SCHEMA, params, settings, 'paper')).toEqual([
      'fast 5 → 8', 'timeframe 1Min → 1Sec', 'cash 100000 → 50000', 'short selling off → on']);
    expect(changedFromRun(RUN, 'buy_and_hold', SCHEMA, params, settings, 'paper')).toEqual([
      'strategy sma_cross → buy_and_hold']);
  });
});
