import { useState } from 'react';
import { StatusBadge } from '@/components/ui/Badges';
import { Button } from '@/components/ui/Button';
import { ConfirmDialog } from '@/components/ui/ConfirmDialog';
import { ErrorBanner } from '@/components/ui/Feedback';
import { SkippedCells } from '@/components/form/SkippedCells';
import { Time } from '@/components/ui/Time';
import { formatMoney } from '@/lib/format';
import { metricDef } from '@/lib/metrics';
import { barTimeStyle } from '@/lib/time/barTime';
import { useCancelWalkforward } from '../api/walkforwards';
import { isActive, type Walkforward } from '../api/types';
import { CellsProgress } from './CellsProgress';
import { objectiveKey } from './objective';
import { describeLength } from './period';

const text = (v: unknown) => (typeof v === 'string' && v ? v : null);

/** Name, status, what was asked (window, folds, objective), progress, and Cancel while it works. */
export function WalkForwardHeader({ wf }: { wf: Walkforward }) {
  const cancel = useCancelWalkforward(wf.id);
  const [confirming, setConfirming] = useState(false);
  const s = wf.settings;
  const spec = wf.fold_spec;
  const timeframe = text(s.timeframe) ?? '1Day';
  const style = barTimeStyle(timeframe);
  const tested = wf.folds.filter((f) => f.oos_status && ['completed', 'failed', 'cancelled'].includes(f.oos_status)).length;
  const chosen = wf.folds.filter((f) => f.oos_run_id).length;
  const asked = Number(spec.warmup ?? 0);
  const short = wf.folds.filter((f) => f.warmup_bars < asked).length;
  // the first folds of a window that starts with the data cannot warm up fully: say so, not the asked figure alone
  const warmupText = short ? `warm-up up to ${asked} bars (${short} fold${short === 1 ? '' : 's'} had fewer: see the timeline)`
    : `warm-up ${asked} bars`;
  const symbols = Array.isArray(s.symbols) ? s.symbols.map(String).join(', ') : '';
  return (
    <section className="panel">
      <div className="panel-head">
        <h1>{wf.name || `Walk-forward of ${wf.strategy}`}</h1>
        <StatusBadge status={wf.status} testId="walkforward-status" />
        <span className="dim mono">{wf.id}</span>
        <span className="spacer" />
        {isActive(wf.status) ? (
          <Button variant="danger" busy={cancel.isPending} onClick={() => setConfirming(true)} data-testid="cancel-walkforward">
            Cancel
          </Button>
        ) : null}
      </div>
      <div className="panel-body" style={{ display: 'flex', flexDirection: 'column', gap: 8 }}>
        <div className="indicator" style={{ gap: 14, flexWrap: 'wrap' }} data-testid="walkforward-settings">
          <span>strategy <span className="mono">{wf.strategy}</span></span>
          {symbols ? <span>symbols <span className="mono">{symbols}</span></span> : null}
          <span>timeframe <span className="mono">{timeframe}</span></span>
          {text(s.start) || text(s.end) ? (
            <span>window <Time value={text(s.start)} style={style} /> → <Time value={text(s.end)} style={style} /></span>
          ) : null}
          {text(s.cash) ? <span>cash <span className="mono">{formatMoney(text(s.cash))}</span></span> : null}
          <span data-testid="walkforward-folds-spec">{String(spec.kind ?? 'rolling')} folds: train {describeLength(spec.train)}, test{' '}
            {describeLength(spec.test)}{spec.step !== null && spec.step !== undefined ? `, step ${describeLength(spec.step)}` : ''}
            {spec.gap && spec.gap !== '0D' ? `, gap ${describeLength(spec.gap)}` : ''}, {warmupText}</span>
          <span>best cell by {wf.direction === 'min' ? 'lowest' : 'highest'} {metricDef(objectiveKey(wf.objective)).label}
            {wf.min_trades ? `, at least ${wf.min_trades} trades` : ''}</span>
          {Object.entries(wf.grid).map(([p, v]) => <span key={p}><span className="mono">{p}</span> ∈ {'{'}{v.map(String).join(', ')}{'}'}</span>)}
          <span>created <Time value={wf.created_at} /></span>
        </div>
        <div className="indicator">
          <CellsProgress counts={wf} large long label="walk-forward backtests" noun="backtests" testId="walkforward-progress" />
          {chosen ? <span className="mono" data-testid="walkforward-tested">
            · {tested} of {chosen} out-of-sample runs{chosen < wf.folds.length ? ` (${wf.folds.length} folds)` : ''}</span> : null}
        </div>
        {wf.status === 'failed' ? (
          <div className="banner error" data-testid="walkforward-error">The walk-forward failed: {wf.error ?? 'no reason given'}</div>
        ) : null}
        {wf.skipped_folds.length ? (
          <div className="banner warn" data-testid="skipped-folds">
            {wf.skipped_folds.length} fold{wf.skipped_folds.length === 1 ? ' was' : 's were'} skipped:
            <ul style={{ margin: '4px 0 0', paddingLeft: 18 }}>
              {wf.skipped_folds.map((f) => <li key={f.index} data-testid="skipped-fold">fold {f.index + 1} — {f.reason}</li>)}
            </ul>
          </div>
        ) : null}
        <SkippedCells cells={wf.skipped ?? []} />
        <ErrorBanner error={cancel.error} title="The walk-forward was not cancelled" />
      </div>
      <ConfirmDialog open={confirming} title="Cancel this walk-forward?" confirmLabel="Cancel walk-forward" cancelLabel="Keep running" danger
        busy={cancel.isPending} onCancel={() => setConfirming(false)} testId="cancel-walkforward-dialog"
        onConfirm={() => cancel.mutate(undefined, { onSettled: () => setConfirming(false) })}>
        <p>Cells and out-of-sample runs not yet finished are cancelled; finished ones are kept. No stitched result is made.</p>
      </ConfirmDialog>
    </section>
  );
}
