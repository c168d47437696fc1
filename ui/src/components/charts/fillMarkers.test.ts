import { describe, expect, it } from 'vitest';
import { CHAR_PX, LABEL_GAP_PX, labelsWithRoom, mergeFillMarkers } from './fillMarkers';

const fill = (time: number, side: string, qty: string) => ({ mark: { side, qty }, time });
const byTime = (t: number) => t / 60;  // minute bars from 0: the bar index is the minute

describe('mergeFillMarkers', () => {
  it('merges fills of one side on one bar into one marker with the summed quantity', () => {
    const markers = mergeFillMarkers([
      fill(120, 'sell', '21'), fill(60, 'buy', '39'), fill(60, 'buy', '66'), fill(60, 'sell', '10.5'),
      fill(60, 'sell', '0.25'), fill(0, 'buy', '1000'),
    ], byTime);
    expect(markers.map((m) => [m.index, m.label, m.fills])).toEqual([
      [0, 'B 1,000', 1], [1, 'B 105', 2], [1, 'S 10.75', 2], [2, 'S 21', 1],
    ]);
    expect(markers.reduce((n, m) => n + m.fills, 0)).toBe(6);
  });

  it('sums quantities exactly', () => {
    const [m] = mergeFillMarkers([fill(0, 'buy', '0.1'), fill(0, 'buy', '0.2')], byTime);
    expect(m?.qty).toBe('0.3');
    expect(m?.label).toBe('B 0.3');
  });
});

describe('labelsWithRoom', () => {
  // Two buys two bars apart, labels "B 39" and "B 21": 4 characters each need 4*CHAR_PX + gap between centres.
  const two = mergeFillMarkers([fill(0, 'buy', '39'), fill(120, 'buy', '21')], byTime);
  const needed = 4 * CHAR_PX + LABEL_GAP_PX;

  it('keeps every label when the bars are far enough apart', () => {
    expect(labelsWithRoom(two, needed / 2)).toEqual([true, true]);
  });

  it('drops the labels (keeps the arrows) of markers crowding each other when zoomed out', () => {
    expect(labelsWithRoom(two, needed / 2 - 1)).toEqual([false, false]);
  });

  it('lets a buy and a sell on neighbouring bars keep their labels: one is below the bars, one above', () => {
    const mixed = mergeFillMarkers([fill(0, 'buy', '39'), fill(60, 'sell', '39')], byTime);
    expect(labelsWithRoom(mixed, 5)).toEqual([true, true]);
  });

  it('on a dense 1Sec run keeps only the labels with room: the lone early fill, not the pile at the end', () => {
    const pile = Array.from({ length: 30 }, (_, k) => fill(60 * (1000 + k), k % 2 ? 'sell' : 'buy', '39'));
    const markers = mergeFillMarkers([fill(0, 'buy', '5'), ...pile], byTime);
    const shown = labelsWithRoom(markers, 1000 / 1030);  // 1,030 bars on 1,000 pixels
    expect(shown[0]).toBe(true);
    expect(shown.slice(1).filter(Boolean)).toHaveLength(0);
    // Zoomed in to 40 px per bar, every label has room again.
    expect(labelsWithRoom(markers, 40).every(Boolean)).toBe(true);
  });

  it('shows no labels before the chart has a width', () => {
    expect(labelsWithRoom(two, 0)).toEqual([false, false]);
  });
});
