import { useMemo } from 'react';
import { OverlayLinesChart, type OverlayLine, type OverlayReadout } from '@/components/charts/OverlayLinesChart';
import { COLORS } from '@/components/charts/chartTheme';
import { formatNumber } from '@/lib/format';
import type { WalkforwardEquity } from '../api/types';

// the axis drops cents from 1,000 up (they only crowd it); the readout keeps them
const axisMoney = (v: number) => formatNumber(v, Math.abs(v) >= 1000 ? 0 : 2);
const money = (v: number) => formatNumber(v, 2);

/**
 * The stitched out-of-sample equity beside the hindsight-optimised cell's over the same test windows
 * (each run as its fold's out-of-sample run is, chained the same way; each thinned to its own 2,000 points, so a hovered time shows each line's latest
 * point at or before it), with a readout of the hovered day: both equities and its fold.
 */
/** `partial`: the walk-forward ended before every fold's out-of-sample run: its curve is no result to trust. */
export function EquityComparison({ equity, zone, timeframe, partial = false }: {
  equity: WalkforwardEquity; zone: string; timeframe: string; partial?: boolean;
}) {
  const lines = useMemo<OverlayLine[]>(() => {
    const out: OverlayLine[] = [{
      key: 'stitched', label: 'Stitched out-of-sample', color: COLORS.accent,
      points: equity.stitched.map((p) => ({ ts: p.t, value: Number(p.equity) })),
    }];
    if (equity.contrast.length) {
      out.push({ key: 'contrast', label: 'Hindsight-optimised, same test windows', color: COLORS.benchmark,
        points: equity.contrast.map((p) => ({ ts: p.t, value: Number(p.equity) })) });
    }
    return out;
  }, [equity]);
  const readout = useMemo<OverlayReadout>(() => {
    const folds = new Map(equity.stitched.map((p) => [Math.floor(Date.parse(p.t) / 1000), p.fold]));
    return { format: money, extra: (utc) => {
      const fold = folds.get(utc);
      return fold === undefined || fold === null ? null : `fold ${fold + 1}`;
    } };
  }, [equity]);
  if (!equity.stitched.length) {
    return <p className="muted" data-testid="equity-waiting">The curve appears once the out-of-sample runs have finished.</p>;
  }
  return (
    <>
      {partial ? null : (
        <p style={{ marginTop: 0 }} data-testid="trust-sentence">
          The stitched out-of-sample curve is the number to trust: every bar of it was traded with parameters chosen only
          from the bars before it, while the hindsight curve trades the same test windows, each as its fold's
          out-of-sample run does (warmed up on the bars before it, started flat, closed at its end), with the parameters
          that were best over the whole history.
        </p>
      )}
      <OverlayLinesChart lines={lines} zone={zone} timeframe={timeframe} what="Equity" format={axisMoney} height={300}
        testId="walkforward-equity" readout={readout} yearOnFirstTick fitOnResize />
    </>
  );
}
