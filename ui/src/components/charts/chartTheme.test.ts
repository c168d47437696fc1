import { describe, expect, it } from 'vitest';
import { FRACTION_SPAN, MONEY_SPAN } from './chartTheme';

const info = (minValue: number, maxValue: number) => () => ({ priceRange: { minValue, maxValue } });

describe('atLeastSpan', () => {
  it('widens a flat equity around its level so the axis labels differ (trial 30: "100,000.00" six times)', () => {
    expect(MONEY_SPAN(info(100_000, 100_000))?.priceRange).toEqual({ minValue: 99_950, maxValue: 100_050 });
    expect(FRACTION_SPAN(info(0, 0))?.priceRange).toEqual({ minValue: -0.005, maxValue: 0.005 });
  });

  it('leaves a range that moved, and an empty one, as they are', () => {
    expect(MONEY_SPAN(info(90_000, 110_000))?.priceRange).toEqual({ minValue: 90_000, maxValue: 110_000 });
    expect(MONEY_SPAN(() => null)).toBeNull();
    expect(MONEY_SPAN(info(0, 0))?.priceRange).toEqual({ minValue: -0.5, maxValue: 0.5 });
  });
});
