export function ProgressBar({ value, large = false, label }: { value: number; large?: boolean; label?: string }) {
  const pct = Math.max(0, Math.min(1, Number.isFinite(value) ? value : 0)) * 100;
  return (
    <div className={`progress${large ? ' lg' : ''}`} role="progressbar" aria-valuemin={0} aria-valuemax={100}
      aria-valuenow={Math.round(pct)} aria-label={label ?? 'progress'} data-testid="progress">
      <span style={{ width: `${pct}%` }} />
    </div>
  );
}
