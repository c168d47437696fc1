import { useMemo } from 'react';
import { OverlayLinesChart, type OverlayLine } from '@/components/charts/OverlayLinesChart';
import { COLORS } from '@/components/charts/chartTheme';
import { formatNumber } from '@/lib/format';
import type { WalkforwardEquity } from '../api/types';

const money = (v: number) => formatNumber(v, 2);

/** The stitched out-of-sample equity beside the whole-window optimised cell's curve over the same span. */
export function EquityComparison({ equity, zone, timeframe }: { equity: WalkforwardEquity; zone: string; timeframe: string }) {
  const lines = useMemo<OverlayLine[]>(() => {
    const out: OverlayLine[] = [{
      key: 'stitched', label: 'Stitched out-of-sample', color: COLORS.accent,
      points: equity.stitched.map((p) => ({ ts: p.t, value: Number(p.equity) })),
    }];
    if (equity.contrast.length) {
      out.push({ key: 'contrast', label: 'Whole-window optimised (hindsight)', color: COLORS.benchmark,
        points: equity.contrast.map((p) => ({ ts: p.t, value: Number(p.equity) })) });
    }
    return out;
  }, [equity]);
  if (!equity.stitched.length) {
    return <p className="muted" data-testid="equity-waiting">The curve appears once the out-of-sample runs have finished.</p>;
  }
  return (
    <>
      <p style={{ marginTop: 0 }} data-testid="trust-sentence">
        The stitched out-of-sample curve is the number to trust: every bar of it was traded with parameters chosen only
        from the bars before it, while the whole-window curve chose its parameters knowing the whole history.
      </p>
      <OverlayLinesChart lines={lines} zone={zone} timeframe={timeframe} what="Equity" format={money} height={300}
        testId="walkforward-equity" />
    </>
  );
}
