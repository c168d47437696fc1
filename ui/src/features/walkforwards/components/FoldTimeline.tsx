import { useId, useMemo } from 'react';
import { barSeconds, isDaily } from '@/lib/timeframes';
import { barTimeStyle } from '@/lib/time/barTime';
import { formatInZone } from '@/lib/time/zone';
import type { Fold } from '../api/types';
import { timelineLayout } from './timeline';

const WIDTH = 1000;
const TRADING_DAY_MS = (365.25 / 252) * 86_400_000;

/**
 * One row per fold on a shared time axis: the train window (in sample), the hatched warm-up before the
 * test window, and the test window (out of sample; a dashed outline when the data ended before it did).
 * The table beneath gives the same windows as text.
 */
export function FoldTimeline({ folds, timeframe, zone }: { folds: Fold[]; timeframe: string; zone: string }) {
  const hatch = `hatch-${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`;
  const daily = isDaily(timeframe);
  const barMs = (barSeconds(timeframe) ?? 86_400) * 1000;
  const layout = useMemo(() => timelineLayout(folds, { width: WIDTH, barMs, warmupMsPerBar: daily ? TRADING_DAY_MS : barMs }),
    [folds, barMs, daily]);
  const style = barTimeStyle(timeframe);
  const when = (iso: string) => formatInZone(iso, zone, style);
  if (!folds.length) return <p className="muted">No folds.</p>;
  const summary = `Fold timeline, ${folds.length} folds: ${folds.map((f) => `fold ${f.index} trains ${when(f.train_first)} to `
    + `${when(f.train_last)} and tests ${when(f.test_first)} to ${when(f.test_last)}${f.partial ? ' (partial)' : ''}`).join('; ')}.`;
  return (
    <div data-testid="fold-timeline">
      <div className="chart-legend" style={{ position: 'static', padding: '0 0 6px' }}>
        <span><span className="legend-swatch" style={{ background: 'var(--accent)', height: 8, opacity: 0.5 }} />train (in sample)</span>
        <span><span className="legend-swatch" style={{ background: 'var(--warn)', height: 8 }} />warm-up (approximate span)</span>
        <span><span className="legend-swatch" style={{ background: 'var(--pos)', height: 8 }} />test (out of sample)</span>
        <span className="dim">dashed: partial test window</span>
      </div>
      <svg viewBox={`0 0 ${WIDTH} ${layout.height}`} width="100%" role="img" aria-label={summary}
        data-testid="fold-timeline-svg" style={{ display: 'block', maxHeight: 420 }}>
        <defs>
          <pattern id={hatch} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="6" height="6" fill="var(--bg-2)" />
            <line x1="0" y1="0" x2="0" y2="6" stroke="var(--warn)" strokeWidth="3" />
          </pattern>
        </defs>
        {layout.ticks.map((tick) => (
          <g key={tick.t}>
            <line x1={tick.x} x2={tick.x} y1={0} y2={layout.axisY} stroke="var(--line)" strokeWidth={1} />
            <text x={tick.x} y={layout.axisY + 14} fill="var(--text-2)" fontSize={10} textAnchor="middle">
              {formatInZone(tick.t, daily ? 'UTC' : zone, 'date')}
            </text>
          </g>
        ))}
        {layout.rows.map((row) => (
          <g key={row.index} data-testid="timeline-row" data-fold={row.index} data-partial={row.partial}>
            <text x={layout.left - 8} y={row.y + layout.rowHeight - 4} fill="var(--text-2)" fontSize={10} textAnchor="end">
              fold {row.index}
            </text>
            <rect x={row.train.x} y={row.y} width={row.train.width} height={layout.rowHeight} fill="var(--accent)" opacity={0.45} />
            {row.warmup ? (
              <rect x={row.warmup.x} y={row.y + 3} width={row.warmup.width} height={layout.rowHeight - 6} fill={`url(#${hatch})`}
                data-testid="timeline-warmup" />
            ) : null}
            <rect x={row.test.x} y={row.y} width={row.test.width} height={layout.rowHeight} fill="var(--pos)"
              opacity={row.partial ? 0.55 : 0.9} stroke={row.partial ? 'var(--text)' : 'none'}
              strokeDasharray={row.partial ? '4 3' : undefined} />
          </g>
        ))}
      </svg>
      <details style={{ marginTop: 6 }}>
        <summary className="dim">Fold windows as text</summary>
        <table className="table" data-testid="fold-timeline-table">
          <thead>
            <tr><th scope="col">Fold</th><th scope="col">Train</th><th scope="col">Warm-up</th><th scope="col">Test</th></tr>
          </thead>
          <tbody>
            {folds.map((f) => (
              <tr key={f.index}>
                <th scope="row">{f.index}</th>
                <td className="mono">{when(f.train_first)} → {when(f.train_last)}</td>
                <td className="mono">{f.warmup_bars} bars before the test</td>
                <td className="mono">{when(f.test_first)} → {when(f.test_last)}{f.partial ? ' (partial)' : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}
