import { Link } from 'react-router-dom';
import { RunStateBadge } from '@/components/runs/RunStateBadge';
import type { Run } from '@/lib/api/types';
import { runColor, runLabel } from './runLabel';

/** A compared run's column heading: its colour (as on the charts), its name linking to its page, its state. */
export function RunColumnHead({ run, index }: { run: Run; index: number }) {
  return (
    <th scope="col" className="num" data-testid="compare-col" data-run-id={run.id} style={{ verticalAlign: 'top' }}>
      <span style={{ display: 'inline-flex', flexDirection: 'column', alignItems: 'flex-end', gap: 2 }}>
        <span>
          <span className="legend-swatch" style={{ background: runColor(index), height: 3 }} aria-hidden="true" />
          <Link to={`/runs/${run.id}`}>{runLabel(run)}</Link>
        </span>
        <RunStateBadge run={run} />
      </span>
    </th>
  );
}
