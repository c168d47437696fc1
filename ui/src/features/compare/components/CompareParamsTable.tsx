import type { Run } from '@/lib/api/types';
import { useTimeZone } from '@/lib/time/useTimeZone';
import { paramDiff, settingsDiff, type DiffRow } from './diff';
import { RunColumnHead } from './RunColumnHead';

/** A row heading scrolls with its row (the table's column headings are the sticky ones). */
const ROW_HEAD = { position: 'static', fontWeight: 400 } as const;

function Rows({ group, rows, columns }: { group: string; rows: DiffRow[]; columns: number }) {
  return (
    <>
      <tr><th scope="colgroup" colSpan={columns + 2} className="dim" style={{ ...ROW_HEAD, fontWeight: 500 }}>{group}</th></tr>
      {rows.map((row) => (
        <tr key={`${group}-${row.key}`} data-testid="diff-row" data-key={row.key} data-group={group.toLowerCase()}
          data-differs={row.differs}>
          <th scope="row" className="mono" style={{ ...ROW_HEAD, ...(row.differs ? { boxShadow: 'inset 3px 0 0 var(--warn)' } : {}) }}>
            {row.label}
          </th>
          <td>{row.differs ? <span className="badge plain warn" data-testid="differs">differs</span> : null}</td>
          {row.values.map((value, i) => <td key={i} className="num">{value}</td>)}
        </tr>
      ))}
    </>
  );
}

/** Settings and every parameter of any run, side by side; a row whose values differ is marked. */
export function CompareParamsTable({ runs }: { runs: Run[] }) {
  const { zone } = useTimeZone();
  const params = paramDiff(runs);
  return (
    <div className="table-wrap">
      <table className="table" data-testid="compare-params">
        <caption className="sr-only">Settings and parameters of each run; rows whose values differ are marked differs</caption>
        <thead>
          <tr>
            <th scope="col">Setting</th>
            <th scope="col"><span className="sr-only">Differs</span></th>
            {runs.map((run, i) => <RunColumnHead key={run.id} run={run} index={i} />)}
          </tr>
        </thead>
        <tbody>
          <Rows group="Settings" rows={settingsDiff(runs, zone)} columns={runs.length} />
          {params.length ? <Rows group="Parameters" rows={params} columns={runs.length} /> : (
            <tr><td colSpan={runs.length + 2} className="muted">No parameters: every run uses its strategy's defaults.</td></tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
