import type { ReactNode } from 'react';
import type { Strategy } from '@/lib/api/types';
import { errorAt, type FieldErrors } from './errors';
import { Field } from './Field';

export interface StrategyNameFieldsProps {
  strategies: Strategy[];
  strategyName: string;
  onStrategy: (name: string) => void;
  name: string;
  onName: (name: string) => void;
  errors: FieldErrors;
  /** The Name input's data-testid ("run-name", "sweep-name", "walkforward-name"). */
  nameTestId: string;
  nameMaxLength?: number;
  /** More in the fieldset after the two fields (the run form's strategy description). */
  children?: ReactNode;
}

/** The "Strategy" fieldset every launch form opens with: the strategy to run and an optional name. */
export function StrategyNameFields({ strategies, strategyName, onStrategy, name, onName, errors, nameTestId, nameMaxLength,
  children }: StrategyNameFieldsProps) {
  return (
    <fieldset className="fieldset">
      <legend>Strategy</legend>
      <div className="fields">
        <Field label="Strategy" path="strategy" error={errorAt(errors, 'strategy')} required>
          {(id, describedBy, invalid) => (
            <select id={id} className="select" value={strategyName} aria-invalid={invalid} aria-describedby={describedBy}
              onChange={(e) => onStrategy(e.target.value)} data-testid="strategy-select">
              {strategies.map((s) => <option key={s.name} value={s.name}>{s.name}</option>)}
            </select>
          )}
        </Field>
        <Field label="Name" path="name" error={errorAt(errors, 'name')} hint="Optional label">
          {(id, describedBy, invalid) => (
            <input id={id} className="input" value={name} maxLength={nameMaxLength} aria-invalid={invalid}
              aria-describedby={describedBy} onChange={(e) => onName(e.target.value)} data-testid={nameTestId} />
          )}
        </Field>
        {children}
      </div>
    </fieldset>
  );
}
