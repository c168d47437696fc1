import { Field } from '@/components/form/Field';
import { errorAt, type FieldErrors } from '@/components/form/errors';

/**
 * A backtest's leading bars that only feed its indicators, as a paper run starts with its history (trial 38: a
 * paper run's period could be backtested to match only from the command line, `--warmup`). The drift report
 * says how many bars the paper run had.
 */
export function WarmupField({ value, errors, onChange }: { value: string; errors: FieldErrors; onChange: (next: string) => void }) {
  return (
    <Field label="Warm-up bars" path="warmup" error={errorAt(errors, 'warmup')}
      hint="The window's first bars only feed the indicators: no trading on them, and the figures start after them">
      {(id, describedBy, invalid) => (
        <input id={id} className="input mono" inputMode="numeric" value={value} placeholder="0"
          aria-invalid={invalid} aria-describedby={describedBy} data-testid="warmup"
          onChange={(e) => onChange(e.target.value)} />
      )}
    </Field>
  );
}

/** The field's text as a count of bars, or why it is not one. */
export function parseWarmup(text: string): { value: number; error?: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { value: 0 };
  return /^\d+$/.test(trimmed) ? { value: Number(trimmed) } : { value: 0, error: 'a whole number of bars, 0 or more' };
}
