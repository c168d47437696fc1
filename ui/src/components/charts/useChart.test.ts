import { describe, expect, it, vi } from 'vitest';
import { FIT_MIN_BAR_SPACING, fitWhole } from './useChart';

describe('fitWhole', () => {
  it('lets the fit spread bars thinner than half a pixel before fitting, so a long curve shows its start', () => {
    const calls: string[] = [];
    const scale = {
      applyOptions: vi.fn((o: { minBarSpacing?: number }) => calls.push(`min ${o.minBarSpacing}`)),
      fitContent: vi.fn(() => calls.push('fit')),
    };
    fitWhole({ timeScale: () => scale } as never);
    expect(calls).toEqual([`min ${FIT_MIN_BAR_SPACING}`, 'fit']);
  });

  it('fits the longest curve the API serves (100,000 points) and a 140,000-point one in a phone-wide chart', () => {
    // fitContent spreads the bars over the width only down to minBarSpacing: the default 0.5 px fitted
    // at most 640 of them in 320 px
    for (const points of [100_000, 140_000]) expect(points * FIT_MIN_BAR_SPACING).toBeLessThan(320);
  });
});
