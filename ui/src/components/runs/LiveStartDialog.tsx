import { ConfirmDialog } from '@/components/ui/ConfirmDialog';
import type { Run } from '@/lib/api/types';

/** The one confirmation before a live run starts trading real money (dashboard row and run page). */
export function LiveStartDialog({ run, open, busy, onCancel, onConfirm }: {
  run: Run; open: boolean; busy: boolean; onCancel: () => void; onConfirm: () => void;
}) {
  return (
    <ConfirmDialog open={open} title="Start a LIVE run?" confirmLabel="Start live trading" requireWord="LIVE"
      danger busy={busy} testId="live-start-confirm" onCancel={onCancel} onConfirm={onConfirm}>
      <p style={{ margin: 0 }}>
        <strong>{run.strategy}</strong> on <span className="mono">{run.symbols.join(', ')}</span> will place real
        orders with real money on the Alpaca live account.
      </p>
    </ConfirmDialog>
  );
}
