import { useEffect, useId, useMemo, useRef, useState, type RefObject } from 'react';
import { barSeconds, isDaily } from '@/lib/timeframes';
import { barTimeStyle } from '@/lib/time/barTime';
import { formatInZone } from '@/lib/time/zone';
import type { Fold } from '../api/types';
import { timelineLayout } from './timeline';

const WIDTH = 1000;
const FONT = 11;
const TRADING_DAY_MS = (365.25 / 252) * 86_400_000;

/**
 * One row per fold on a shared time axis: the train window (in sample), the hatched warm-up before the
 * test window, and the test window (out of sample; a dashed outline when the data ended before it did).
 * The warm-up is the train window's last bars, so it is a strip along the train bar's lower edge: drawn
 * over the whole bar, 200 daily warm-up bars hid ~9.5 of a 12-month train and it read as 3 months long.
 * Drawn at the container's own pixel width, so rows and labels keep their size with many folds (the
 * drawing grows taller instead). Each row's tooltip and the table beneath give the windows as text.
 */
export function FoldTimeline({ folds, timeframe, zone, warmupAsked }: {
  folds: Fold[]; timeframe: string; zone: string; warmupAsked: number;
}) {
  const box = useRef<HTMLDivElement | null>(null);
  const width = useWidth(box);
  const hatch = `hatch-${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`;
  const daily = isDaily(timeframe);
  const barMs = (barSeconds(timeframe) ?? 86_400) * 1000;
  const layout = useMemo(() => timelineLayout(folds, { width, barMs, fontSize: FONT, warmupMsPerBar: daily ? TRADING_DAY_MS : barMs }),
    [folds, width, barMs, daily]);
  const warmupHeight = Math.max(3, Math.round(layout.rowHeight * 0.4));
  const style = barTimeStyle(timeframe);
  const when = (iso: string) => formatInZone(iso, zone, style);
  const warmup = (f: Fold) => `${f.warmup_bars} bars${f.warmup_bars < warmupAsked ? ` (fewer than the ${warmupAsked} asked)` : ''}`;
  const describe = (f: Fold) => `fold ${f.index + 1} trains ${when(f.train_first)} to ${when(f.train_last)}, warms up on `
    + `${warmup(f)} and tests ${when(f.test_first)} to ${when(f.test_last)}${f.partial ? ' (partial)' : ''}`;
  const summary = `Fold timeline, ${folds.length} folds: ${folds.map(describe).join('; ')}.`;
  return (
    <div data-testid="fold-timeline" ref={box}>
      {!folds.length ? <p className="muted">No folds.</p> : <>
      <div className="chart-legend" style={{ position: 'static', padding: '0 0 6px' }}>
        <span><span className="legend-swatch" style={{ background: 'var(--accent)', height: 8, opacity: 0.5 }} />train (in sample)</span>
        <span><span className="legend-swatch" style={{ background: 'var(--warn)', height: 4 }} />
          warm-up: the bars before the test that feed its indicators{layout.rows.every((r) => r.warmupExact) ? '' : ' (approximate span)'}</span>
        <span><span className="legend-swatch" style={{ background: 'var(--pos)', height: 8 }} />test (out of sample)</span>
        <span className="dim">dashed: partial test window</span>
      </div>
      <svg viewBox={`0 0 ${layout.width} ${layout.height}`} width={layout.width} height={layout.height} role="img"
        aria-label={summary} data-testid="fold-timeline-svg" data-row-pitch={layout.rows.length > 1 ? layout.rows[1]!.y - layout.rows[0]!.y : ''}
        style={{ display: 'block' }}>
        <defs>
          <pattern id={hatch} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="6" height="6" fill="var(--bg-2)" />
            <line x1="0" y1="0" x2="0" y2="6" stroke="var(--warn)" strokeWidth="3" />
          </pattern>
        </defs>
        {layout.ticks.map((tick) => (
          <g key={tick.t}>
            <line x1={tick.x} x2={tick.x} y1={0} y2={layout.axisY} stroke="var(--line)" strokeWidth={1} />
            <text x={tick.x} y={layout.axisY + 14} fill="var(--text-2)" fontSize={FONT} textAnchor="middle">
              {formatInZone(tick.t, daily ? 'UTC' : zone, 'date')}
            </text>
          </g>
        ))}
        {layout.rows.map((row, i) => (
          <g key={row.index} data-testid="timeline-row" data-fold={row.index} data-partial={row.partial}>
            <title>{describe(folds[i]!)}</title>
            {row.label ? (
              <text x={layout.left - 8} y={row.y + layout.rowHeight / 2 + FONT * 0.35} fill="var(--text-2)" fontSize={FONT}
                textAnchor="end">{row.label}</text>
            ) : null}
            <rect x={row.train.x} y={row.y} width={row.train.width} height={layout.rowHeight} fill="var(--accent)" opacity={0.45} />
            {row.warmup ? (
              <rect x={row.warmup.x} y={row.y + layout.rowHeight - warmupHeight} width={row.warmup.width} height={warmupHeight}
                fill={`url(#${hatch})`} data-testid="timeline-warmup" />
            ) : null}
            <rect x={row.test.x} y={row.y} width={row.test.width} height={layout.rowHeight} fill="var(--pos)"
              opacity={row.partial ? 0.55 : 0.9} stroke={row.partial ? 'var(--text)' : 'none'}
              strokeDasharray={row.partial ? '4 3' : undefined} />
          </g>
        ))}
      </svg>
      <details style={{ marginTop: 6 }}>
        <summary className="dim">Fold windows as text</summary>
        <div className="table-wrap">
        <table className="table" data-testid="fold-timeline-table">
          <thead>
            <tr><th scope="col">Fold</th><th scope="col">Train</th><th scope="col">Warm-up</th><th scope="col">Test</th></tr>
          </thead>
          <tbody>
            {folds.map((f) => (
              <tr key={f.index}>
                <th scope="row">{f.index + 1}</th>
                <td className="mono">{when(f.train_first)} → {when(f.train_last)}</td>
                <td className="mono" data-testid="timeline-warmup-bars">{warmup(f)} before the test</td>
                <td className="mono">{when(f.test_first)} → {when(f.test_last)}{f.partial ? ' (partial)' : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      </details>
      </>}
    </div>
  );
}

/** The element's width in pixels, followed as it changes (1000 until measured, e.g. in jsdom). */
function useWidth(ref: RefObject<HTMLDivElement | null>): number {
  const [width, setWidth] = useState(WIDTH);
  useEffect(() => {
    const el = ref.current;
    if (!el) return undefined;
    const read = () => { if (el.clientWidth > 0) setWidth(Math.round(el.clientWidth)); };
    read();
    if (typeof ResizeObserver === 'undefined') return undefined;
    const observer = new ResizeObserver(read);
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}
