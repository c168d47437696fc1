import { useId, type ReactNode } from 'react';

export interface FieldProps {
  label: ReactNode;
  /** The dotted body path this field edits (data-field, used by tests and error mapping). */
  path: string;
  error?: string;
  hint?: ReactNode;
  required?: boolean;
  wide?: boolean;
  children: (id: string, describedBy: string | undefined, invalid: boolean) => ReactNode;
}

export function Field({ label, path, error, hint, required, wide, children }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${wide ? ' wide' : ''}`} data-field={path} data-testid={`field-${path}`}>
      <label htmlFor={id}>{label}{required ? <span className="req" aria-hidden>*</span> : null}</label>
      {children(id, describedBy, !!error)}
      {hint ? <span className="hint" id={hintId}>{hint}</span> : null}
      {error ? <span className="error" id={errorId} role="alert" data-testid={`error-${path}`}>{error}</span> : null}
    </div>
  );
}
