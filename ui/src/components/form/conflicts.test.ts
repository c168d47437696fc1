import { describe, expect, it } from 'vitest';
import type { ParamsSchema } from '@/lib/api/types';
import { shortingConflict, strategyShorts, sweptShorting } from './conflicts';

const schema = (properties: ParamsSchema['properties']): ParamsSchema => ({ type: 'object', properties });

describe('shortingConflict', () => {
  it('reads a declared allow_short flag, its default when unset', () => {
    const s = schema({ allow_short: { type: 'boolean', default: false } });
    expect(strategyShorts(s, {})).toEqual({ param: 'allow_short', shorts: false });
    expect(shortingConflict(s, {}, true)?.message).toContain('keeps it long-only');
    expect(shortingConflict(s, { allow_short: true }, true)).toBeNull();
    expect(shortingConflict(s, { allow_short: true }, false)?.message).toBe("The strategy's allow_short parameter has it sell "
      + 'short, but short selling is not allowed: every short sale would be refused, so the run is not made. Turn Short '
      + 'selling on, or allow_short off.');
  });

  it('reads a long_only flag the other way round, and a direction enum', () => {
    const longOnly = schema({ long_only: { type: 'boolean', default: true } });
    expect(shortingConflict(longOnly, {}, true)?.param).toBe('long_only');
    expect(shortingConflict(longOnly, { long_only: false }, true)).toBeNull();
    const direction = schema({ direction: { type: 'string', enum: ['long', 'short', 'both'], default: 'long' } });
    expect(shortingConflict(direction, {}, true)?.param).toBe('direction');
    expect(shortingConflict(direction, { direction: 'both' }, true)).toBeNull();
    expect(shortingConflict(direction, { direction: 'both' }, false)?.message).toContain('rejected');
  });

  it('finds nothing to contradict in a strategy that declares no shorting parameter', () => {
    expect(shortingConflict(schema({ percent: { type: 'number', default: 50 } }), {}, true)).toBeNull();
  });
});

describe('sweptShorting', () => {
  it("counts the cells the server skips when allow_short is swept over true with short selling off", () => {
    const found = sweptShorting({ fast: [5, 10], allow_short: [false, true] }, false, 4);
    expect(found?.skipped).toBe(2);
    expect(found?.conflict.message).toBe("The grid's allow_short=true cells would sell short, but short selling is off: "
      + 'those 2 backtests will be skipped. Turn Short selling on to run them.');
    expect(sweptShorting({ fast: [5, 10], allow_short: [false, true] }, true, 4)).toBeNull();
    expect(sweptShorting({ fast: [5, 10], allow_short: [false] }, false, 2)).toBeNull();
    expect(sweptShorting({ allow_short: [true] }, false, 1)?.conflict.message).toContain('that backtest will be skipped');
  });
});
