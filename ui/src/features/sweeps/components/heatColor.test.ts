import { describe, expect, it } from 'vitest';
import { heatColor } from './Heatmap';

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
