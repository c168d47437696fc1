import type { JsonSchemaProperty, ParamsSchema } from '@/lib/api/types';
import { errorAt, type FieldErrors } from './errors';
import { Field } from './Field';
import { isNumeric, properties, rangeText, type RawParams, type RawValue } from './schema';

function Hint({ prop }: { prop: JsonSchemaProperty }) {
  const range = rangeText(prop);
  const parts = [
    prop.description,
    range ? `range ${range}` : null,
    prop.default !== undefined && prop.default !== null ? `default ${String(prop.default)}` : null,
  ].filter(Boolean);
  return parts.length ? <>{parts.join(' · ')}</> : null;
}

export interface SchemaFieldsProps {
  schema: ParamsSchema | undefined;
  values: RawParams;
  onChange: (name: string, value: RawValue) => void;
  errors: FieldErrors;
  /** Parameters rendered elsewhere (the sweep grid) are left out here. */
  hidden?: string[];
}

/** One input per schema property: number inputs with ranges, selects for enums, checkboxes for booleans. */
export function SchemaFields({ schema, values, onChange, errors, hidden = [] }: SchemaFieldsProps) {
  const props = properties(schema).filter(([name]) => !hidden.includes(name));
  const required = new Set(schema?.required ?? []);
  if (props.length === 0) return <p className="muted">This strategy has no parameters.</p>;
  return (
    <div className="fields">
      {props.map(([name, prop]) => {
        const path = `params.${name}`;
        const error = errorAt(errors, path);
        const raw = values[name];
        const label = prop.title ?? name;
        if (prop.type === 'boolean') {
          return (
            <Field key={name} label={label} path={path} error={error} hint={prop.description}>
              {(id, describedBy) => (
                <span className="check">
                  <input id={id} type="checkbox" checked={raw === true} aria-describedby={describedBy}
                    onChange={(e) => onChange(name, e.target.checked)} data-testid={`param-${name}`} />
                  <span className="muted">{raw === true ? 'on' : 'off'}</span>
                </span>
              )}
            </Field>
          );
        }
        if (prop.enum) {
          return (
            <Field key={name} label={label} path={path} error={error} hint={<Hint prop={prop} />}
              required={required.has(name)}>
              {(id, describedBy, invalid) => (
                <select id={id} className="select" value={String(raw ?? '')} aria-invalid={invalid}
                  aria-describedby={describedBy} onChange={(e) => onChange(name, e.target.value)}
                  data-testid={`param-${name}`}>
                  {prop.enum?.map((option) => <option key={String(option)} value={String(option)}>{String(option)}</option>)}
                </select>
              )}
            </Field>
          );
        }
        const numeric = isNumeric(prop);
        return (
          <Field key={name} label={label} path={path} error={error} hint={<Hint prop={prop} />}
            required={required.has(name)}>
            {(id, describedBy, invalid) => (
              <input id={id} className={`input${numeric ? ' mono' : ''}`} type={numeric ? 'number' : 'text'}
                inputMode={numeric ? (prop.type === 'integer' ? 'numeric' : 'decimal') : undefined}
                min={prop.minimum} max={prop.maximum} step={prop.type === 'integer' ? 1 : 'any'}
                value={String(raw ?? '')} placeholder={prop.default !== undefined ? String(prop.default) : undefined}
                aria-invalid={invalid} aria-describedby={describedBy}
                onChange={(e) => onChange(name, e.target.value)} data-testid={`param-${name}`} />
            )}
          </Field>
        );
      })}
    </div>
  );
}
