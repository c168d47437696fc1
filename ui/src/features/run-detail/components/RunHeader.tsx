import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { ModeBadge } from '@/components/ui/Badges';
import { Button } from '@/components/ui/Button';
import { LiveStartDialog } from '@/components/runs/LiveStartDialog';
import { ClosePositionsChoice, OpenPositionsNote, useHeldPositions } from '@/components/runs/OpenPositionsNote';
import { RunStateBadge } from '@/components/runs/RunStateBadge';
import { runStateBanner } from '@/components/runs/runState';
import { ConfirmDialog } from '@/components/ui/ConfirmDialog';
import { ErrorBanner } from '@/components/ui/Feedback';
import { ProgressBar } from '@/components/ui/ProgressBar';
import { Time, ZonedText } from '@/components/ui/Time';
import { canStart, canStop, isFinished, useRunActions } from '@/lib/api/runs';
import type { Run } from '@/lib/api/types';
import { formatCount, formatMoney, formatPct } from '@/lib/format';
import { barTimeStyle } from '@/lib/time/barTime';
import { closeWorking, lastCloseSeq, useRunNotices } from './RunNotices';

/** A paper or live run's fills and fees are its broker's: its cost models only shape the backtest it is compared with. */
const COST_MODELS = 'A paper or live run pays what its broker charges and fills at the broker\'s prices: these fee and '
  + 'slippage models apply only to the backtest side of "Live vs backtest".';

export function RunHeader({ run }: { run: Run }) {
  const { start, stop, closePositions: closeHeld, remove } = useRunActions(run.id);
  const navigate = useNavigate();
  const [confirmStop, setConfirmStop] = useState(false);
  const [cancelOrders, setCancelOrders] = useState(true);
  const [closePositions, setClosePositions] = useState(false);
  // a walk-forward fold's out-of-sample run: its window starts with bars that only feed its indicators
  const warmup = Number(run.options?.warmup ?? 0);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [confirmClose, setConfirmClose] = useState(false);
  const [confirmStart, setConfirmStart] = useState(false);
  const trading = run.mode !== 'backtest';
  const live = run.mode === 'live';
  const running = run.state.state === 'running' || run.state.state === 'queued';
  const banner = runStateBanner(run.state);
  const finished = run.state.state === 'stopped';
  const held = useHeldPositions(run.id, trading && finished);
  // A close asked for is on its way until the run says what it became (run.positions_closed): a second click
  // meanwhile was a 409 (trial 22), so the button says so instead.
  const notices = useRunNotices(run).data;
  const lastClose = lastCloseSeq(notices);
  const [closeAskedAfter, setCloseAskedAfter] = useState<number | null>(null);
  const closing = closeAskedAfter !== null && lastClose <= closeAskedAfter;

  return (
    <section className="panel" data-testid="run-header">
      <div className="panel-head" style={{ gap: 10 }}>
        <h1 data-testid="run-title">{run.name || `${run.strategy} · ${run.symbols.join(', ')}`}</h1>
        <ModeBadge mode={run.mode} />
        <RunStateBadge run={run} testId="run-status" />
        <span className="dim mono" title="run id">{run.id}</span>
        <span className="spacer" />
        {canStart(run) ? (
          <Button variant={live ? 'danger' : 'primary'} busy={start.isPending} data-testid="start-run"
            onClick={() => (live ? setConfirmStart(true) : start.mutate())}>
            {live ? 'Start LIVE trading' : trading ? 'Start trading' : 'Start backtest'}
          </Button>
        ) : null}
        {canStop(run) ? (
          <Button variant={trading ? 'danger' : 'default'} busy={stop.isPending} data-testid="stop-run"
            onClick={() => (trading ? setConfirmStop(true) : stop.mutate({ cancelOrders: false }))}>
            {trading ? 'Stop' : 'Cancel backtest'}
          </Button>
        ) : null}
        {run.mode === 'backtest' && run.status === 'completed' ? (
          // what was backtested, to the paper form as it ran (trial 42: retyped by hand, field by field)
          <Link className="btn" to={`/runs/new?mode=paper&from=${run.id}`} data-testid="paper-trade-settings"
            title="A new paper run with this backtest's strategy, parameters, symbols, timeframe, cash and costs">
            Paper trade these settings</Link>
        ) : null}
        {isFinished(run) ? (
          <Button variant="ghost" onClick={() => setConfirmDelete(true)} data-testid="delete-run">Delete</Button>
        ) : null}
      </div>
      <div className="panel-body" style={{ display: 'flex', flexDirection: 'column', gap: 8 }}>
        <div className="indicator" style={{ flexWrap: 'wrap', gap: 14 }}>
          <span>strategy <span className="mono">{run.strategy}</span></span>
          <span>symbols <span className="mono">{run.symbols.join(', ')}</span></span>
          <span>timeframe <span className="mono">{run.timeframe}</span></span>
          {run.start_at || run.end_at ? (
            <span>window <Time value={run.start_at} style={barTimeStyle(run.timeframe)} /> → <Time value={run.end_at} style={barTimeStyle(run.timeframe)} /></span>
          ) : null}
          {warmup > 0 ? (
            <span data-testid="run-warmup" title="the indicators see these bars; the strategy does not trade on them">
              the first {formatCount(warmup)} bars only warm up (no trading, not in the figures)</span>
          ) : null}
          {run.options?.close_at_end ? <span data-testid="run-closed-at-end">closed flat at its last close</span> : null}
          <span>cash <span className="mono">{formatMoney(run.cash)}</span></span>
          <span data-testid="run-fees" title={run.mode === 'backtest' ? undefined : COST_MODELS}>
            fees{run.mode === 'backtest' ? '' : ' (backtest side only)'} <span className="mono">{run.fees.model}{
              run.fees.rate ? ` ${run.fees.rate}` : ''}</span></span>
          <span data-testid="run-slippage" title={run.mode === 'backtest' ? undefined : COST_MODELS}>
            slippage{run.mode === 'backtest' ? '' : ' (backtest side only)'} <span className="mono">{run.slippage.model}{
              run.slippage.value ? ` ${run.slippage.value}` : ''}</span></span>
          <span>created <Time value={run.created_at} /></span>
          {run.started_at ? <span>started <Time value={run.started_at} style="seconds" /></span> : null}
          {run.finished_at ? <span>finished <Time value={run.finished_at} style="seconds" /></span> : null}
          {run.sweep_id ? <a href={`/sweeps/${run.sweep_id}`} onClick={(e) => { e.preventDefault(); navigate(`/sweeps/${run.sweep_id}`); }}>
            part of a sweep</a> : null}
          {run.walkforward_id ? (
            <a href={`/walkforwards/${run.walkforward_id}`} data-testid="run-walkforward-link"
              onClick={(e) => { e.preventDefault(); navigate(`/walkforwards/${run.walkforward_id}`); }}>
              part of a walk-forward</a>
          ) : null}
        </div>
        {run.mode === 'backtest' && running ? (
          <div className="indicator" data-testid="run-progress">
            <span style={{ flex: 1 }}><ProgressBar value={run.progress} large label="backtest progress" /></span>
            <span className="mono">{formatPct(run.progress, 1, false)}</span>
          </div>
        ) : null}
        {banner ? (
          <div className={`banner ${banner.tone}`} role="alert" data-testid="run-error">
            <strong>{run.mode === 'backtest' && run.state.reason === 'error' ? 'The backtest failed' : banner.title}:</strong>{' '}
            <span className="mono" style={{ whiteSpace: 'pre-wrap' }}><ZonedText text={banner.message} /></span>
          </div>
        ) : null}
        {trading && finished && closeWorking(notices) ? <OpenPositionsNote runId={run.id} when="closing" /> : null}
        {trading && finished && !closeWorking(notices) ? (
          <OpenPositionsNote runId={run.id} when="stopped" action={
            <Button size="sm" variant={live ? 'danger' : 'default'} busy={closeHeld.isPending} disabled={closing}
              title={closing ? 'The close is on its way: what it became shows above once the broker has answered'
                : undefined}
              data-testid="close-positions-run" onClick={() => setConfirmClose(true)}>
              {closing ? 'Close on its way…' : 'Close positions'}</Button>} />
        ) : null}
        <ErrorBanner error={start.error ?? stop.error ?? closeHeld.error ?? remove.error} />
      </div>
      <LiveStartDialog run={run} open={confirmStart} busy={start.isPending} onCancel={() => setConfirmStart(false)}
        onConfirm={() => start.mutate(undefined, { onSettled: () => setConfirmStart(false) })} />
      <ConfirmDialog open={confirmStop} title={`Stop this ${run.mode} run?`} confirmLabel="Stop run" danger
        busy={stop.isPending} onCancel={() => setConfirmStop(false)}
        onConfirm={() => stop.mutate({ cancelOrders, closePositions }, { onSettled: () => setConfirmStop(false) })}>
        <label className="check">
          {/* closing the positions cancels the run's orders first (the API refuses one without the other) */}
          <input type="checkbox" checked={cancelOrders || closePositions} disabled={closePositions}
            onChange={(e) => setCancelOrders(e.target.checked)} />
          Also cancel its open orders at the broker
        </label>
        <ClosePositionsChoice runId={run.id} checked={closePositions} onChange={setClosePositions} />
      </ConfirmDialog>
      <ConfirmDialog open={confirmClose} title={`Close this ${run.mode} run's positions?`} confirmLabel="Close at market"
        danger busy={closeHeld.isPending} onCancel={() => setConfirmClose(false)}
        onConfirm={() => closeHeld.mutate(undefined, { onSuccess: () => setCloseAskedAfter(lastClose),
          onSettled: () => setConfirmClose(false) })}>
        <p className="muted" style={{ margin: 0 }}>
          Sends a market order for <strong className="mono">{held}</strong>, one per symbol, booked as this run's own
          orders and fills; the run stays stopped. What each became shows above once the broker has answered.
        </p>
      </ConfirmDialog>
      <ConfirmDialog open={confirmDelete} title="Delete this run?" danger
        confirmLabel={held ? `Delete and leave ${held} at the broker` : 'Delete'} busy={remove.isPending}
        onCancel={() => setConfirmDelete(false)}
        onConfirm={() => remove.mutate(Boolean(held), { onSuccess: () => navigate('/') , onSettled: () => setConfirmDelete(false) })}>
        <p className="muted" style={{ margin: 0 }}>Its orders, fills, trades, equity curve and events are deleted too.</p>
        {trading ? <OpenPositionsNote runId={run.id} when="delete" /> : null}
      </ConfirmDialog>
    </section>
  );
}
