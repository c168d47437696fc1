import { CandleChart } from '@/components/charts/CandleChart';
import { ErrorBanner, Loading } from '@/components/ui/Feedback';
import { useBars } from '@/lib/api/catalog';
import type { Series } from '@/lib/api/types';
import { useTimeZone } from '@/lib/time/useTimeZone';

const PREVIEW_BARS = 1000;

/** The most recent bars of one stored series, as candles. */
export function SeriesPreview({ series }: { series: Series }) {
  const { zone } = useTimeZone();
  const bars = useBars(series.symbol, series.timeframe, { limit: PREVIEW_BARS });
  if (bars.isPending) return <Loading label="Loading bars…" />;
  if (bars.error) return <ErrorBanner error={bars.error} title="Bars unavailable" />;
  return (
    <div data-testid="preview-chart">
      <CandleChart bars={bars.data} zone={zone} timeframe={series.timeframe} height={320}
        testId="preview-candles" />
      <div className="muted">
        {series.count > PREVIEW_BARS ? `the last ${PREVIEW_BARS.toLocaleString()} of ` : ''}
        {series.count.toLocaleString()} bars
      </div>
    </div>
  );
}
