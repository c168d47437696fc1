import { useState } from 'react';
import { Button } from '@/components/ui/Button';
import { ConfirmDialog } from '@/components/ui/ConfirmDialog';
import { ErrorBanner } from '@/components/ui/Feedback';
import { useKill } from '../api/accounts';

/** Cancels every open order and stops every paper and live run, after typing KILL. */
export function KillSwitch() {
  const kill = useKill();
  const [open, setOpen] = useState(false);
  return (
    <div className="indicator" data-testid="kill-switch" style={{ flexWrap: 'wrap' }}>
      <Button variant="kill" onClick={() => setOpen(true)} data-testid="kill-button">KILL SWITCH</Button>
      {kill.data ? (
        <span className="warn" role="status" data-testid="kill-result">
          {`${kill.data.runs_stopping} run(s) stopping — ${kill.data.message}`}
        </span>
      ) : null}
      <ErrorBanner error={kill.error} title="The kill switch failed" />
      <ConfirmDialog open={open} title="Activate the kill switch?" confirmLabel="Cancel all orders, stop all runs"
        requireWord="KILL" danger busy={kill.isPending} testId="kill-confirm" onCancel={() => setOpen(false)}
        onConfirm={() => kill.mutate(undefined, { onSettled: () => setOpen(false) })}>
        <p style={{ margin: 0 }}>
          Every open order on the paper and live accounts is cancelled and every paper and live run is stopped.
          Positions stay open. Backtests are not affected.
        </p>
      </ConfirmDialog>
    </div>
  );
}
