import { useState } from 'react';
import { SourceBadge } from '@/components/ui/Badges';
import { DataTable, type Column } from '@/components/ui/DataTable';
import { EmptyState, ErrorBanner, Loading, Panel } from '@/components/ui/Feedback';
import { Time } from '@/components/ui/Time';
import { useSeries } from '@/lib/api/catalog';
import type { Series } from '@/lib/api/types';
import { barTimeStyle } from '@/lib/time/barTime';
import { ImportForm } from './ImportForm';
import { SeriesPreview } from './SeriesPreview';
import { usePageTitle } from '@/lib/usePageTitle';

const key = (s: Series) => `${s.symbol}/${s.timeframe}`;

const COLUMNS: Column<Series>[] = [
  { key: 'symbol', header: 'Symbol', render: (s) => <strong className="mono">{s.symbol}</strong>, sortValue: (s) => s.symbol },
  { key: 'timeframe', header: 'Timeframe', render: (s) => <span className="mono">{s.timeframe}</span>,
    sortValue: (s) => s.timeframe },
  { key: 'first', header: 'First bar', render: (s) => <Time value={s.first_ts} style={barTimeStyle(s.timeframe)} />, sortValue: (s) => s.first_ts ?? '' },
  { key: 'last', header: 'Last bar', render: (s) => <Time value={s.last_ts} style={barTimeStyle(s.timeframe)} />, sortValue: (s) => s.last_ts ?? '' },
  { key: 'count', header: 'Bars', numeric: true, render: (s) => s.count.toLocaleString(), sortValue: (s) => s.count },
  { key: 'source', header: 'Source', render: (s) => <SourceBadge source={s.source} />, sortValue: (s) => s.source },
  { key: 'description', header: 'Description', hideNarrow: true,
    render: (s) => <span className={s.source === 'synthetic' ? 'warn' : 'muted'}>{s.description ?? ''}</span> },
];

/** Which bars are stored (every run shares them), a preview of one series, and CSV import. */
export function DataPage() {
  usePageTitle('Data');
  const series = useSeries();
  const [selected, setSelected] = useState<string | null>(null);
  const current = series.data?.find((s) => key(s) === selected) ?? null;

  return (
    <div className="page" data-testid="data-page">
      <div className="page-head"><h1>Market data</h1></div>
      <Panel title="Stored series">
        {series.isPending ? <Loading /> : null}
        {series.error ? <ErrorBanner error={series.error} title="Series unavailable" /> : null}
        {series.data ? (
          <DataTable rows={series.data} columns={COLUMNS} rowKey={key} testId="series-table"
            initialSort={{ key: 'symbol', dir: 'asc' }} onRowClick={(s) => setSelected(key(s))}
            rowClass={(s) => (key(s) === selected ? 'selected' : '')}
            empty={(
              <EmptyState title="No bars stored yet">
                <span>Import a CSV below, or download from Alpaca with{' '}
                  <code>weaver bars fetch --symbol AAPL --start 2024-01-01</code>.</span>
              </EmptyState>
            )} />
        ) : null}
      </Panel>
      {current ? (
        <Panel title={`${current.symbol} · ${current.timeframe}`}>
          <SeriesPreview series={current} />
        </Panel>
      ) : null}
      <Panel title="Import bars from CSV"><ImportForm /></Panel>
    </div>
  );
}
