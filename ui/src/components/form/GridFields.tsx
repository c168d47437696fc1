import type { ParamValue, Strategy } from '@/lib/api/types';
import { formatCount } from '@/lib/format';
import { errorAt, type FieldErrors } from './errors';
import { properties } from './schema';

export interface GridFieldsProps {
  strategy: Strategy | undefined;
  /** Swept parameter → the values as typed. */
  grid: Record<string, string>;
  /** The parsed values (for the "· 3 values" hint). */
  values: Record<string, ParamValue[]>;
  cells: number;
  /** Some typed values do not read (the count left them out): no count is shown. */
  uncounted?: boolean;
  errors: FieldErrors;
  onToggle: (param: string) => void;
  onEdit: (param: string, text: string) => void;
}

/** The grid fieldset a sweep and a walk-forward share: per parameter, "sweep it" and its values. */
export function GridFields({ strategy, grid, values, cells, uncounted, errors, onToggle, onEdit }: GridFieldsProps) {
  return (
    <fieldset className="fieldset" data-testid="grid-fieldset">
      {/* trial 37: "499 cells" beside a field refused as too long (the count skipped it): no count until all read */}
      <legend>Grid — {uncounted || Object.keys(errors).some((k) => k.startsWith('grid.')) ? 'fix the values to count the cells'
        : `${formatCount(cells)} cell${cells === 1 ? '' : 's'}`}</legend>
      {errorAt(errors, 'grid') && !Object.keys(errors).some((k) => k.startsWith('grid.')) ? (
        <div className="field-error" role="alert" data-testid="error-grid">{errors.grid}</div>
      ) : null}
      <div className="fields">
        {properties(strategy?.params_schema).map(([param, prop]) => (
          <div key={param} className="field" data-field={`grid.${param}`}>
            <label className="check">
              <input type="checkbox" checked={param in grid} onChange={() => onToggle(param)}
                data-testid={`sweep-toggle-${param}`} />
              sweep <span className="mono">{param}</span>
            </label>
            {param in grid ? (
              <>
                <input className="input mono" value={grid[param]} aria-invalid={!!errorAt(errors, `grid.${param}`)}
                  aria-label={`${param} values`} onChange={(e) => onEdit(param, e.target.value)}
                  data-testid={`grid-${param}`} />
                <span className="hint">
                  {prop.type === 'integer' || prop.type === 'number' ? 'list "5, 10, 20" or range "5:50:5"' : 'comma-separated'}
                  {values[param]?.length ? ` · ${values[param]?.length} values` : ''}
                </span>
                {errorAt(errors, `grid.${param}`) ? (
                  <span className="error" role="alert" data-testid={`error-grid.${param}`}>{errorAt(errors, `grid.${param}`)}</span>
                ) : null}
              </>
            ) : <span className="hint">fixed (below)</span>}
          </div>
        ))}
      </div>
    </fieldset>
  );
}
