import { useState } from 'react';
import { Button } from '@/components/ui/Button';
import { LiveStartDialog } from '@/components/runs/LiveStartDialog';
import { ClosePositionsChoice } from '@/components/runs/OpenPositionsNote';
import { ConfirmDialog } from '@/components/ui/ConfirmDialog';
import { canStart, canStop, useRunActions } from '@/lib/api/runs';
import type { Run } from '@/lib/api/types';

/** Start and stop from the dashboard row (starting a live run, and stopping a paper or live one, ask first). */
export function RunActions({ run }: { run: Run }) {
  const { start, stop } = useRunActions(run.id);
  const [confirm, setConfirm] = useState(false);
  const [closePositions, setClosePositions] = useState(false);
  const [confirmStart, setConfirmStart] = useState(false);
  const trading = run.mode !== 'backtest';
  const live = run.mode === 'live';
  return (
    <span onClick={(e) => e.stopPropagation()} className="indicator">
      {canStart(run) ? (
        <Button size="sm" variant={live ? 'danger' : 'default'} busy={start.isPending} data-testid="row-start"
          onClick={() => (live ? setConfirmStart(true) : start.mutate())}>Start</Button>
      ) : null}
      {canStop(run) ? (
        <Button size="sm" variant={trading ? 'danger' : 'default'} busy={stop.isPending} data-testid="row-stop"
          onClick={() => (trading ? setConfirm(true) : stop.mutate({ cancelOrders: false }))}>{trading ? 'Stop' : 'Cancel'}</Button>
      ) : null}
      {start.error || stop.error ? <span className="neg" title={(start.error ?? stop.error)?.message}>!</span> : null}
      <ConfirmDialog open={confirm} title={`Stop ${run.mode} run?`} confirmLabel="Stop and cancel its orders" danger
        busy={stop.isPending} onCancel={() => setConfirm(false)}
        onConfirm={() => stop.mutate({ cancelOrders: true, closePositions }, { onSettled: () => setConfirm(false) })}>
        <p className="muted">The run stops ticking and its open orders are cancelled at the broker.</p>
        <ClosePositionsChoice runId={run.id} checked={closePositions} onChange={setClosePositions} />
      </ConfirmDialog>
      <LiveStartDialog run={run} open={confirmStart} busy={start.isPending} onCancel={() => setConfirmStart(false)}
        onConfirm={() => start.mutate(undefined, { onSettled: () => setConfirmStart(false) })} />
    </span>
  );
}
