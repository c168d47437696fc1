import type { Walkforward } from '../api/types';
import { stabilityChart, stabilityRows } from './stability';

const BOX = { width: 360, height: 120, pad: 12, left: 44 };

/**
 * Each swept parameter's chosen value fold by fold: a parameter that jumps around from fold to fold was
 * fitted to noise; a steady one is a property of the market. The table below gives the same values.
 */
export function StabilityPanel({ wf }: { wf: Walkforward }) {
  const rows = stabilityRows(wf);
  const folds = wf.folds.map((f) => f.index + 1);  // numbered from 1, as everywhere
  if (!rows.length) return <p className="muted">No parameter was swept over more than one value.</p>;
  return (
    <div data-testid="stability">
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: 16 }}>
        {rows.map((row) => {
          const chart = stabilityChart(row, folds, BOX);
          const label = `${row.name} chosen per fold: ${row.values.map((v, i) => `fold ${folds[i] ?? i + 1} ${v === null ? 'none' : String(v)}`)
            .join(', ')}; ${row.distinct} distinct value${row.distinct === 1 ? '' : 's'}.`;
          return (
            <figure key={row.name} style={{ margin: 0 }} data-testid="stability-chart" data-param={row.name}>
              <figcaption className="dim"><span className="mono">{row.name}</span> · {row.distinct} distinct</figcaption>
              <svg viewBox={`0 0 ${BOX.width} ${BOX.height + 18}`} width={BOX.width} role="img" aria-label={label}>
                {chart.yTicks.map((t) => (
                  <g key={t.label}>
                    <line x1={BOX.left} x2={BOX.width} y1={t.y} y2={t.y} stroke="var(--line)" />
                    <text x={BOX.left - 6} y={t.y + 4} fontSize={11} fill="var(--text-2)" textAnchor="end">{t.label}</text>
                  </g>
                ))}
                {chart.xTicks.map((t) => (
                  <text key={t.label} x={t.x} y={BOX.height + 14} fontSize={11} fill="var(--text-2)" textAnchor="middle">{t.label}</text>
                ))}
                {chart.segments.map((seg) => (
                  <polyline key={seg[0]!.fold} points={seg.map((p) => `${p.x},${p.y}`).join(' ')} fill="none"
                    stroke="var(--accent)" strokeWidth={2} />
                ))}
                {chart.points.map((p) => (
                  <circle key={p.fold} cx={p.x} cy={p.y} r={4} fill="var(--accent)" stroke="var(--bg)" strokeWidth={1.5}
                    data-testid="stability-point" data-fold={p.fold} data-value={p.label} />
                ))}
              </svg>
            </figure>
          );
        })}
      </div>
      <div className="table-wrap">
        <table className="table" data-testid="stability-table">
          <caption className="dim" style={{ textAlign: 'left' }}>Chosen value per fold (x axis: fold)</caption>
          <thead>
            <tr>
              <th scope="col">Parameter</th>
              {folds.map((f) => <th key={f} scope="col" className="num">fold {f}</th>)}
              <th scope="col" className="num">distinct</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.name}>
                <th scope="row" className="mono">{row.name}</th>
                {row.values.map((v, i) => <td key={i} className="num mono">{v === null ? '—' : String(v)}</td>)}
                <td className="num mono">{row.distinct}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
