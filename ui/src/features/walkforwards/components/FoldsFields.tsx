import { errorAt, type FieldErrors } from '@/components/form/errors';
import { Field } from '@/components/form/Field';
import { withUnit, type FollowingKey, type LengthKey } from './foldUnits';
import { LENGTH_UNITS, type LengthDraft, type LengthUnit } from './period';

export interface FoldsDraft {
  kind: 'rolling' | 'anchored';
  train: LengthDraft;
  test: LengthDraft;
  step: LengthDraft;
  gap: LengthDraft;
  warmup: string;
  /** Step and gap units the user picked: until then they follow train's and test's (foldUnits.ts). */
  unitsPicked?: FollowingKey[];
}

export const DEFAULT_FOLDS: FoldsDraft = {
  kind: 'rolling', train: { amount: '12', unit: 'M' }, test: { amount: '3', unit: 'M' }, step: { amount: '', unit: 'M' },
  gap: { amount: '0', unit: 'M' }, warmup: '200', unitsPicked: [],
};

const LENGTHS: Array<[LengthKey, string, string]> = [
  ['train', 'Train window', 'in-sample: the grid is optimised here'],
  ['test', 'Test window', 'out-of-sample: the chosen cell trades here'],
  ['step', 'Step', 'how far each fold moves; blank: the test length'],
  ['gap', 'Gap', 'between train and test'],
];

/** How the history is cut into folds: kind, the four lengths (each an amount and a unit) and the warm-up. */
export function FoldsFields({ draft, errors, onChange }: {
  draft: FoldsDraft; errors: FieldErrors; onChange: (patch: Partial<FoldsDraft>, path: string) => void;
}) {
  const general = errors.folds;
  return (
    <fieldset className="fieldset" data-testid="folds-fieldset">
      <legend>Folds</legend>
      {general ? <div className="field-error" role="alert" data-testid="error-folds">{general}</div> : null}
      <div className="fields">
        <Field label="Kind" path="folds.kind" error={errorAt(errors, 'folds.kind')}
          hint={draft.kind === 'rolling' ? 'the train window slides with each fold' : 'every train window starts at the first bar'}>
          {(id, describedBy) => (
            <select id={id} className="select" value={draft.kind} aria-describedby={describedBy} data-testid="folds-kind"
              onChange={(e) => onChange({ kind: e.target.value as FoldsDraft['kind'] }, 'folds.kind')}>
              <option value="rolling">rolling</option>
              <option value="anchored">anchored</option>
            </select>
          )}
        </Field>
        {LENGTHS.map(([key, label, hint]) => (
          <Field key={key} label={label} path={`folds.${key}`} error={errorAt(errors, `folds.${key}`)} hint={hint}
            required={key === 'train' || key === 'test'}>
            {(id, describedBy, invalid) => (
              <span className="indicator" style={{ gap: 6 }}>
                <input id={id} className="input mono" inputMode="numeric" style={{ width: '6em' }} value={draft[key].amount}
                  aria-describedby={describedBy} aria-invalid={invalid} data-testid={`folds-${key}`}
                  onChange={(e) => onChange({ [key]: { ...draft[key], amount: e.target.value } }, `folds.${key}`)} />
                <select className="select" style={{ width: 'auto' }} value={draft[key].unit} aria-label={`${label} unit`}
                  data-testid={`folds-${key}-unit`}
                  onChange={(e) => onChange(withUnit(draft, key, e.target.value as LengthUnit), `folds.${key}`)}>
                  {LENGTH_UNITS.map(([unit, name]) => <option key={unit} value={unit}>{name}</option>)}
                </select>
              </span>
            )}
          </Field>
        ))}
        <Field label="Warm-up bars" path="folds.warmup" error={errorAt(errors, 'folds.warmup')}
          hint="bars before each test window that feed the indicators, without trading">
          {(id, describedBy, invalid) => (
            <input id={id} className="input mono" inputMode="numeric" value={draft.warmup} aria-describedby={describedBy}
              aria-invalid={invalid} data-testid="folds-warmup" onChange={(e) => onChange({ warmup: e.target.value }, 'folds.warmup')} />
          )}
        </Field>
      </div>
    </fieldset>
  );
}
