import { Link } from 'react-router-dom';
import { ErrorBanner, Loading, Panel } from '@/components/ui/Feedback';
import { Time } from '@/components/ui/Time';
import { formatCount } from '@/lib/format';
import { useFoldedWalkforwards, type FoldedWalkforward } from '../api/runs';
import type { RunView } from '../hooks/useRunFilters';

export const WALKFORWARDS_SHOWN = 5;

/**
 * The walk-forwards of the runs list, one row each: a walk-forward's fold sweeps and its out-of-sample and contrast
 * runs are folded under it, as a sweep's cells are under the sweep (`cells=hide` leaves them out of the runs table
 * and GET /sweeps?cells=hide out of the sweeps above), and its page lists them. Walk-forwards are backtests: a paper
 * or live filter hides them.
 */
export function FoldedWalkforwards({ view }: { view: RunView }) {
  const shown = !view.mode || view.mode === 'backtest';
  const list = useFoldedWalkforwards(1, WALKFORWARDS_SHOWN, shown);
  const total = list.data?.total ?? 0;
  if (!shown || (!list.isPending && !list.error && total === 0)) return null;
  const rows = (list.data?.items ?? []).filter((w) => !view.strategy || w.strategy === view.strategy);
  return (
    <Panel testId="folded-walkforwards" bodyClass=""
      title={<h2>Walk-forwards <span className="muted mono">{formatCount(total)}</span></h2>}
      actions={<Link to="/walkforwards" className="btn btn-sm btn-ghost">All walk-forwards</Link>}>
      <ErrorBanner error={list.error} title="Walk-forwards could not be loaded" />
      {list.isPending ? <Loading /> : (
        <div className="table-wrap">
          <p className="muted" style={{ padding: '8px 12px', margin: 0 }} data-testid="folded-walkforwards-hint">
            Each walk-forward&apos;s fold sweeps and out-of-sample runs are folded under it: open one to see them,
            or tick &ldquo;Show sweep cells&rdquo; to list its runs here.</p>
          <table className="table" data-testid="folded-walkforwards-table">
            <thead>
              <tr>
                <th>Walk-forward</th>
                <th className="hide-narrow">Strategy</th>
                <th className="num">Folds</th>
                <th>Status</th>
                <th className="hide-narrow">Created</th>
              </tr>
            </thead>
            <tbody>{rows.map((w) => <WalkforwardRow key={w.id} walkforward={w} />)}</tbody>
          </table>
          {total > WALKFORWARDS_SHOWN ? <p className="muted" style={{ padding: '8px 12px', margin: 0 }}>
            The newest {WALKFORWARDS_SHOWN} of {formatCount(total)}: <Link to="/walkforwards" style={{ textDecoration: 'underline' }}>all walk-forwards</Link>.</p> : null}
        </div>
      )}
    </Panel>
  );
}

function WalkforwardRow({ walkforward: w }: { walkforward: FoldedWalkforward }) {
  return (
    <tr data-testid="folded-walkforward" data-walkforward-id={w.id}>
      <td><Link to={`/walkforwards/${w.id}`} data-testid="walkforward-link">{w.name || `${w.strategy} walk-forward`}</Link>
        <span className="dim mono hide-narrow"> {w.id.slice(0, 8)}</span></td>
      <td className="hide-narrow"><span className="mono">{w.strategy}</span></td>
      <td className="num" data-testid="walkforward-fold-count">{formatCount(w.folds)} folds</td>
      <td><span className="badge plain" data-testid="walkforward-status">{w.status}</span></td>
      <td className="hide-narrow"><Time value={w.created_at} /></td>
    </tr>
  );
}
