import { errorAt, type FieldErrors } from '@/components/form/errors';
import { Field } from '@/components/form/Field';

export type RiskDraft = Record<'max_position_value' | 'max_order_value' | 'max_orders_per_day' | 'max_daily_loss', string>;

export const EMPTY_RISK: RiskDraft = { max_position_value: '', max_order_value: '', max_orders_per_day: '', max_daily_loss: '' };

const FIELDS: Array<[keyof RiskDraft, string, string]> = [
  ['max_position_value', 'Max position value', 'USD per symbol'],
  ['max_order_value', 'Max order value', 'USD per order'],
  ['max_orders_per_day', 'Max orders per day', 'count'],
  ['max_daily_loss', 'Max daily loss', 'USD; a breach halts the run'],
];

export function RiskFields({ value, onChange, errors }:
  { value: RiskDraft; onChange: (patch: Partial<RiskDraft>) => void; errors: FieldErrors }) {
  return (
    <div className="fields">
      {FIELDS.map(([key, label, hint]) => (
        <Field key={key} label={label} path={`risk.${key}`} error={errorAt(errors, `risk.${key}`)} hint={`${hint} · empty: no limit`}>
          {(id, describedBy, invalid) => (
            <input id={id} className="input mono" inputMode="decimal" value={value[key]} aria-invalid={invalid}
              aria-describedby={describedBy} onChange={(e) => onChange({ [key]: e.target.value })}
              data-testid={`risk-${key}`} />
          )}
        </Field>
      ))}
    </div>
  );
}
