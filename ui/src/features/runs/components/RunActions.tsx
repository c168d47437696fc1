import { useState } from 'react';
import { Button } from '@/components/ui/Button';
import { ConfirmDialog } from '@/components/ui/ConfirmDialog';
import { canStart, canStop, useRunActions } from '@/lib/api/runs';
import type { Run } from '@/lib/api/types';

/** Start and stop from the dashboard row (stopping a paper or live run asks first). */
export function RunActions({ run }: { run: Run }) {
  const { start, stop } = useRunActions(run.id);
  const [confirm, setConfirm] = useState(false);
  const trading = run.mode !== 'backtest';
  return (
    <span onClick={(e) => e.stopPropagation()} className="indicator">
      {canStart(run) ? (
        <Button size="sm" onClick={() => start.mutate()} busy={start.isPending} data-testid="row-start">Start</Button>
      ) : null}
      {canStop(run) ? (
        <Button size="sm" variant={trading ? 'danger' : 'default'} busy={stop.isPending} data-testid="row-stop"
          onClick={() => (trading ? setConfirm(true) : stop.mutate(false))}>{trading ? 'Stop' : 'Cancel'}</Button>
      ) : null}
      {start.error || stop.error ? <span className="neg" title={(start.error ?? stop.error)?.message}>!</span> : null}
      <ConfirmDialog open={confirm} title={`Stop ${run.mode} run?`} confirmLabel="Stop and cancel its orders" danger
        busy={stop.isPending} onCancel={() => setConfirm(false)}
        onConfirm={() => stop.mutate(true, { onSettled: () => setConfirm(false) })}>
        <p className="muted">The run stops ticking and its open orders are cancelled at the broker.</p>
      </ConfirmDialog>
    </span>
  );
}
