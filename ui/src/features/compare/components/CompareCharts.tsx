import { useMemo, type ReactNode } from 'react';
import { OverlayLinesChart, type OverlayLine } from '@/components/charts/OverlayLinesChart';
import { ErrorBanner, Loading, Panel } from '@/components/ui/Feedback';
import type { EquityPoint, Run } from '@/lib/api/types';
import { formatPct } from '@/lib/format';
import { useTimeZone } from '@/lib/time/useTimeZone';
import { drawdownCurve, finestTimeframe, normaliseEquity, startingEquity } from './curves';
import { runColor, runLabel } from './runLabel';
import { useStableList } from './useStableList';

const asReturn = (v: number) => formatPct(v - 1, 1, true);
const asDrawdown = (v: number) => formatPct(v, 1, false);

interface EquityState { data?: EquityPoint[]; error: unknown; isPending: boolean }

/** Equity of each run over its starting equity (0 % at the start), and each run's drawdown, overlaid. */
export function CompareCharts({ runs, equities }: { runs: Run[]; equities: EquityState[] }) {
  const { zone } = useTimeZone();
  const timeframe = finestTimeframe(runs.map((r) => r.timeframe));
  const pending = equities.some((e) => e.isPending);
  const error = equities.find((e) => e.error)?.error;
  const data = useStableList(equities.map((e) => e.data));
  const lines = useMemo(() => {
    const equity: OverlayLine[] = [];
    const drawdown: OverlayLine[] = [];
    runs.forEach((run, i) => {
      const points = data[i] ?? [];
      const base = { key: run.id, label: runLabel(run), color: runColor(i) };
      equity.push({ ...base, points: normaliseEquity(points, startingEquity(run, points)) });
      drawdown.push({ ...base, points: drawdownCurve(points) });
    });
    return { equity, drawdown };
  }, [runs, data]);

  const body = (chart: ReactNode) => (
    <>
      <ErrorBanner error={error} title="An equity curve could not be loaded" />
      {pending ? <Loading /> : chart}
    </>
  );
  return (
    <>
      <Panel title="Equity, normalised (each run from 0 %)" testId="compare-equity-panel" bodyClass="">
        {body(<OverlayLinesChart lines={lines.equity} zone={zone} timeframe={timeframe} what="Return"
          format={asReturn} testId="compare-equity" />)}
      </Panel>
      <Panel title="Drawdown" testId="compare-drawdown-panel" bodyClass="">
        {body(<OverlayLinesChart lines={lines.drawdown} zone={zone} timeframe={timeframe} what="Drawdown"
          format={asDrawdown} height={220} testId="compare-drawdown" />)}
      </Panel>
    </>
  );
}
