import type { Readout } from './readout';

export interface LegendEntry { name: string; color: string; text: string }

/**
 * The line above a price chart: the hovered bar's time, O/H/L/C and volume (the last bar's when the
 * pointer is elsewhere), then each indicator with its colour and its value on that bar.
 */
export function ChartReadout({ readout, legend }: { readout: Readout | null; legend: LegendEntry[] }) {
  return (
    <div className="mono" data-testid="chart-readout" style={{ display: 'flex', flexWrap: 'wrap', gap: '2px 14px',
      padding: '4px 12px', fontSize: 11, minHeight: 20 }}>
      {readout ? (
        <>
          <span data-testid="readout-time">{readout.time}</span>
          {readout.fields.map((f) => (
            <span key={f.label}>
              <span className="dim">{f.label} </span>
              <span data-testid={`readout-${f.label.toLowerCase()}`}>{f.text}</span>
            </span>
          ))}
        </>
      ) : null}
      {legend.length ? (
        <ul data-testid="indicator-legend" aria-label="Indicators" style={{ display: 'contents' }}>
          {legend.map((entry) => (
            <li key={entry.name} data-testid="legend-item" data-name={entry.name} style={{ listStyle: 'none',
              display: 'inline-flex', alignItems: 'center', gap: 4 }}>
              <span aria-hidden="true" style={{ width: 10, height: 2, background: entry.color, display: 'inline-block' }} />
              <span className="muted">{entry.name}</span>
              <span data-testid="legend-value">{entry.text}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
