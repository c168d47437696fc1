import { Link } from 'react-router-dom';
import { EmptyState } from '@/components/ui/Feedback';
import { usePageTitle } from '@/lib/usePageTitle';

/** The menu's place for walk-forward runs, which a later version brings (issue 18): said plainly until then. */
export function WalkForwardsPage() {
  usePageTitle('Walk-forward');
  return (
    <div className="page" data-testid="walkforwards-page">
      <div className="page-head"><h1>Walk-forward</h1></div>
      <EmptyState title="Walk-forward runs are not in this version yet" testId="walkforwards-empty">
        <p>A walk-forward run tunes a strategy&apos;s parameters on one stretch of history, tests them on the next,
          unseen stretch, and rolls forward, so its result is out-of-sample.</p>
        <Link to="/sweeps">Until then, a sweep tries parameter grids on one window</Link>
      </EmptyState>
    </div>
  );
}
