import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { Button } from './Button';

export interface ConfirmDialogProps {
  open: boolean;
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  /** The dismiss button's words ("Cancel" unless that is ambiguous, e.g. when the action itself cancels). */
  cancelLabel?: string;
  /** When set, the user must type this word to enable the confirm button (e.g. LIVE, KILL). */
  requireWord?: string;
  danger?: boolean;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  testId?: string;
}

export function ConfirmDialog({ open, title, children, confirmLabel, cancelLabel = 'Cancel', requireWord, danger = false, busy = false,
  onConfirm, onCancel, testId = 'confirm-dialog' }: ConfirmDialogProps) {
  const [typed, setTyped] = useState('');
  const inputId = useId();
  const titleId = useId();
  const firstRef = useRef<HTMLInputElement & HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return undefined;
    setTyped('');
    firstRef.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onCancel();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open, onCancel]);

  if (!open) return null;
  const ready = !requireWord || typed.trim() === requireWord;
  // A portal: the dialog's own form must not sit inside the page's form (the live-run confirmation does).
  return createPortal(
    <div className="backdrop" onMouseDown={(e) => e.target === e.currentTarget && onCancel()}>
      <div className={`modal${danger ? ' danger' : ''}`} role="dialog" aria-modal="true" aria-labelledby={titleId}
        data-testid={testId}>
        <h1 id={titleId}>{title}</h1>
        {children}
        <form className="form" onSubmit={(e) => {
          e.preventDefault();
          e.stopPropagation(); // React bubbles through portals: keep the submit from reaching a page form
          if (ready && !busy) onConfirm();
        }}>
          {requireWord ? (
            <div className="field">
              <label htmlFor={inputId}>Type <strong>{requireWord}</strong> to confirm</label>
              <input id={inputId} ref={firstRef} className="input mono" value={typed} autoComplete="off"
                onChange={(e) => setTyped(e.target.value)} data-testid="confirm-word" />
            </div>
          ) : null}
          <div className="modal-actions">
            <Button onClick={onCancel} data-testid="dismiss-button">{cancelLabel}</Button>
            <Button type="submit" variant={danger ? 'danger' : 'primary'} disabled={!ready} busy={busy}
              data-testid="confirm-button">{confirmLabel}</Button>
          </div>
        </form>
      </div>
    </div>,
    document.body,
  );
}
