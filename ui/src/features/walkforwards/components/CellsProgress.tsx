import { cellsText, type CellCounts } from './cells';

/**
 * A progress bar of cells: those that ran in the accent colour, cancelled ones hatched after them, so
 * a cancelled walk-forward does not look finished. The text beside it says the same in words.
 */
export function CellsProgress({ counts, label, width, large = false, long = false, stacked = false, testId, noun }: {
  counts: CellCounts; label: string; width?: number; large?: boolean; long?: boolean; noun?: string;
  /** The words under the bar, not beside it (a narrow table column). */
  stacked?: boolean; testId?: string;
}) {
  const t = cellsText(counts, noun);
  const share = (n: number) => (t.total ? Math.max(0, Math.min(1, n / t.total)) * 100 : 0);
  const text = long ? t.long : t.short;
  return (
    <span className="indicator" data-testid={testId} data-done={t.ran} data-total={t.total} data-cancelled={t.cancelled}
      style={{ ...(width ? {} : { flex: 1 }), ...(stacked ? { flexDirection: 'column', alignItems: 'flex-start', gap: 2 } : {}) }}>
      <span style={width ? { width, ...(stacked ? { display: 'block' } : {}) } : { flex: 1 }}>
        <span className={`progress${large ? ' lg' : ''}`} role="progressbar" aria-valuemin={0} aria-valuemax={100}
          aria-valuenow={Math.round(share(t.ran))} aria-valuetext={t.long} aria-label={label} style={{ display: 'block' }}>
          <span style={{ width: `${share(t.ran)}%` }} />
          {t.cancelled ? (
            <span data-testid="cells-cancelled-bar" style={{ left: `${share(t.ran)}%`, width: `${share(t.cancelled)}%`,
              background: 'repeating-linear-gradient(45deg, var(--warn) 0 3px, transparent 3px 6px)', opacity: 0.8 }} />
          ) : null}
        </span>
      </span>
      <span className="mono" data-testid={testId ? `${testId}-text` : undefined}>{text}</span>
    </span>
  );
}
