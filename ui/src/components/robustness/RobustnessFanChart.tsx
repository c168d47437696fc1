import { formatCount } from '@/lib/format';
import type { MonteCarlo } from '@/lib/api/robustness';
import { formatEquity } from './robustnessFormat';

const W = 600;
const H = 180;

/** The equity percentiles by trade index as a plain SVG (x is a trade count, not a time, which a time
 *  chart cannot show honestly): the 5–95 % band as an area, the median as a line, the start as a dashed
 *  rule. The aria-label carries the figures a screen reader needs. */
export function RobustnessFanChart({ mc, startEquity, title }: { mc: MonteCarlo; startEquity: number; title: string }) {
  const n = mc.band_trades.length;
  if (n < 2) return null;
  const lastTrade = mc.band_trades[n - 1] ?? 0;
  const values = [...mc.band_p5, ...mc.band_p95, startEquity];
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const span = hi - lo || 1;
  const x = (t: number) => (lastTrade ? (t / lastTrade) * W : 0);
  const y = (v: number) => H - ((v - lo) / span) * H;
  const pts = (band: number[]) => band.map((v, i) => `${x(mc.band_trades[i] ?? 0).toFixed(2)},${y(v).toFixed(2)}`);
  const area = [...pts(mc.band_p95), ...pts(mc.band_p5).reverse()].join(' ');
  const label = `${title}: equity over ${formatCount(lastTrade)} trades, ${formatCount(mc.resamples)} paths. After the `
    + `last trade 5th percentile ${formatEquity(mc.band_p5[n - 1])}, median ${formatEquity(mc.band_p50[n - 1])}, `
    + `95th percentile ${formatEquity(mc.band_p95[n - 1])}; start ${formatEquity(startEquity)}.`;
  return (
    <figure style={{ margin: 0 }} data-testid="robustness-fan">
      <svg role="img" aria-label={label} viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none"
        style={{ width: '100%', height: H, display: 'block', border: '1px solid var(--line)' }}>
        <polygon points={area} fill="var(--accent)" fillOpacity={0.25} stroke="none" />
        <line x1={0} x2={W} y1={y(startEquity)} y2={y(startEquity)} stroke="var(--text-3)" strokeDasharray="4 4"
          vectorEffect="non-scaling-stroke" />
        <polyline points={pts(mc.band_p50).join(' ')} fill="none" stroke="var(--accent)" strokeWidth={2}
          vectorEffect="non-scaling-stroke" />
      </svg>
      <figcaption className="dim mono" aria-hidden="true"
        style={{ display: 'flex', justifyContent: 'space-between', fontSize: 11, marginTop: 2 }}>
        <span>trade 0</span>
        <span>chart from {formatEquity(lo)} to {formatEquity(hi)} · shaded 5–95 % of the resamples after each trade, line median, dashed start</span>
        <span>trade {formatCount(lastTrade)}</span>
      </figcaption>
    </figure>
  );
}
