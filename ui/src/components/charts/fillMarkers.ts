/**
 * Fill markers that stay readable when fills are dense (a 1Sec paper run fills many times a minute):
 * fills of one side on one bar become one marker with their summed quantity ("B 105"), and a marker
 * keeps its text only when its label has room beside its neighbours at the current zoom — otherwise
 * just the arrow is drawn, so labels never pile up on top of each other.
 */
import { add } from '@/lib/decimal';
import { formatQty } from '@/lib/format';

export interface FillMarker {
  /** The bar's index among the loaded bars (its x position in bars). */
  index: number;
  /** The bar's UTC time (seconds). */
  time: number;
  side: 'buy' | 'sell';
  /** Summed quantity of the merged fills, exact decimal. */
  qty: string;
  /** How many fills this marker stands for. */
  fills: number;
  /** "B 105" or "S 21". */
  label: string;
}

/** Width of one label character in pixels (11px monospace) and the gap kept between two labels. */
export const CHAR_PX = 7;
export const LABEL_GAP_PX = 6;

/**
 * One marker per (bar, side), in bar order (buys before sells on a bar). `placed` are fills already put
 * on their bars (placeMarks); `indexOf` gives a bar time's index.
 */
export function mergeFillMarkers(placed: Array<{ mark: { side: string; qty: string }; time: number }>,
  indexOf: (time: number) => number): FillMarker[] {
  const merged = new Map<string, FillMarker>();
  for (const { mark, time } of placed) {
    const side = mark.side === 'buy' ? 'buy' : 'sell';
    const key = `${time}|${side}`;
    const found = merged.get(key);
    if (found) {
      found.qty = add(found.qty, mark.qty);
      found.fills += 1;
    } else {
      merged.set(key, { index: indexOf(time), time, side, qty: mark.qty, fills: 1, label: '' });
    }
  }
  const markers = [...merged.values()];
  for (const m of markers) m.label = `${m.side === 'buy' ? 'B' : 'S'} ${formatQty(m.qty)}`;
  return markers.sort((a, b) => a.time - b.time || (a.side === b.side ? 0 : a.side === 'buy' ? -1 : 1));
}

const labelWidth = (m: FillMarker) => m.label.length * CHAR_PX;

/**
 * Which markers keep their text at `pixelsPerBar` (the chart's bar spacing): a label is centred on its
 * bar, buys below the bars and sells above, so a label has room when it does not reach the label of the
 * nearest marker on the same side. Returns one boolean per marker, in the order given.
 */
export function labelsWithRoom(markers: FillMarker[], pixelsPerBar: number): boolean[] {
  const shown = markers.map(() => true);
  if (!(pixelsPerBar > 0)) return shown.map(() => false);
  for (const side of ['buy', 'sell'] as const) {
    const own = markers.map((m, i) => ({ m, i })).filter(({ m }) => m.side === side)
      .sort((a, b) => a.m.index - b.m.index);
    own.forEach(({ m, i }, k) => {
      const fits = (other: FillMarker | undefined) => !other
        || Math.abs(other.index - m.index) * pixelsPerBar >= (labelWidth(m) + labelWidth(other)) / 2 + LABEL_GAP_PX;
      shown[i] = fits(own[k - 1]?.m) && fits(own[k + 1]?.m);
    });
  }
  return shown;
}
