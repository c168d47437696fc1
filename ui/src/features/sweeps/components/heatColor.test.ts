import { describe, expect, it } from 'vitest';
import { metricDef } from '@/lib/metrics';
import { heatCentre, heatColor, heatPosition } from './heatColor';

/** WCAG 2 contrast of white on an `rgb(r, g, b)` colour. */
function contrastWithWhite(rgb: string): number {
  const channels = rgb.match(/\d+/g)!.map(Number).map((c) => {
    const x = c / 255;
    return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * channels[0]! + 0.7152 * channels[1]! + 0.0722 * channels[2]!;
  return 1.05 / (luminance + 0.05);
}

describe('heatColor', () => {
  it('keeps the white figure in every cell readable (WCAG AA, 4.5:1), both ends and between', () => {
    for (let i = 0; i <= 40; i += 1) {
      for (const higherIsBetter of [true, false]) {
        const colour = heatColor(i / 40, higherIsBetter);
        expect(contrastWithWhite(colour), colour).toBeGreaterThanOrEqual(4.5);
      }
    }
  });

  it('runs red to green, flipped when lower is better', () => {
    expect(heatColor(0, true)).toBe('rgb(150, 40, 40)');
    expect(heatColor(1, true)).toBe('rgb(20, 118, 70)');
    expect(heatColor(1, false)).toBe('rgb(150, 40, 40)');
  });
});

describe('heatPosition', () => {
  const sharpe = heatCentre(metricDef('sharpe'));

  it('centres signed metrics at 0: every positive Sharpe is green, every negative one red', () => {
    const values = [0.4, 0.9, 1.6];  // all positive: none may be painted red
    for (const v of values) expect(heatPosition(v, values, sharpe)).toBeGreaterThan(0.5);
    expect(heatPosition(1.6, values, sharpe)).toBe(1);
    expect(heatColor(heatPosition(0.4, values, sharpe), true)).not.toBe(heatColor(0, true));
    const mixed = [-1, 0, 0.5];
    expect(heatPosition(-1, mixed, sharpe)).toBe(0);     // full red: farthest below zero
    expect(heatPosition(0, mixed, sharpe)).toBe(0.5);    // neutral slate at zero
    expect(heatPosition(0.5, mixed, sharpe)).toBe(0.75); // half as far above: half-way to green
  });

  it('treats return, CAGR, Sortino as signed around 0 and the profit factor around 1', () => {
    expect(['total_return', 'cagr', 'sortino'].map((k) => heatCentre(metricDef(k)))).toEqual([0, 0, 0]);
    const pf = heatCentre(metricDef('profit_factor'));
    expect(pf).toBe(1);
    expect(heatPosition(0.8, [0.8, 1.2, 1.4], pf)).toBeLessThan(0.5);
    expect(heatPosition(1.2, [0.8, 1.2, 1.4], pf)).toBeGreaterThan(0.5);
  });

  it('keeps the min → max scale for metrics without a meaningful sign', () => {
    expect(heatCentre(metricDef('win_rate'))).toBeNull();
    expect(heatCentre(metricDef('trades'))).toBeNull();
    expect(heatPosition(40, [40, 50, 60], null)).toBe(0);
    expect(heatPosition(60, [40, 50, 60], null)).toBe(1);
    expect(heatPosition(50, [50], null)).toBe(0.5);
  });

  it('paints a single signed figure by its sign, and zero everywhere as neutral', () => {
    expect(heatPosition(-0.4, [-0.4], sharpe)).toBe(0);
    expect(heatPosition(0.4, [0.4], sharpe)).toBe(1);
    expect(heatPosition(0, [0, 0], sharpe)).toBe(0.5);
  });
});
