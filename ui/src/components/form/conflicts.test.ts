import { describe, expect, it } from 'vitest';
import type { ParamsSchema } from '@/lib/api/types';
import { shortingConflict, strategyShorts } from './conflicts';

const schema = (properties: ParamsSchema['properties']): ParamsSchema => ({ type: 'object', properties });

describe('shortingConflict', () => {
  it('reads a declared allow_short flag, its default when unset', () => {
    const s = schema({ allow_short: { type: 'boolean', default: false } });
    expect(strategyShorts(s, {})).toEqual({ param: 'allow_short', shorts: false });
    expect(shortingConflict(s, {}, true)?.message).toContain('keeps it long-only');
    expect(shortingConflict(s, { allow_short: true }, true)).toBeNull();
    expect(shortingConflict(s, { allow_short: true }, false)?.message).toContain('short sells will be rejected');
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
