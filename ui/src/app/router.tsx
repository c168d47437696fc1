import { createBrowserRouter, Link, Navigate } from 'react-router-dom';
import { EmptyState } from '@/components/ui/Feedback';
import { ComparePage } from '@/features/compare/components/ComparePage';
import { DataPage } from '@/features/data/components/DataPage';
import { LivePanel } from '@/features/live/components/LivePanel';
import { NewRunPage } from '@/features/new-run/components/NewRunPage';
import { NotificationsPage } from '@/features/notifications/components/NotificationsPage';
import { RunDetailPage } from '@/features/run-detail/components/RunDetailPage';
import { RunsDashboard } from '@/features/runs/components/RunsDashboard';
import { NewSweepPage } from '@/features/sweeps/components/NewSweepPage';
import { SweepDetailPage } from '@/features/sweeps/components/SweepDetailPage';
import { SweepsPage } from '@/features/sweeps/components/SweepsPage';
import { WalkForwardDetailPage } from '@/features/walkforwards/components/WalkForwardDetailPage';
import { NewWalkForwardPage } from '@/features/walkforwards/components/NewWalkForwardPage';
import { WalkForwardsPage } from '@/features/walkforwards/components/WalkForwardsPage';
import { RouteError } from './RouteError';
import { Shell } from './Shell';
import { WholeId } from './WholeId';

function NotFound() {
  return <EmptyState title="No page here"><Link to="/">Back to the runs</Link></EmptyState>;
}

export function createRouter() {
  return createBrowserRouter([
    {
      element: <Shell />,
      errorElement: <RouteError />,
      children: [
        { path: '/', element: <RunsDashboard /> },
        { path: '/runs', element: <Navigate to="/" replace /> },  // the runs list lives at the root
        { path: '/runs/new', element: <NewRunPage /> },
        { path: '/runs/:runId', element: <WholeId kind="runs" param="runId"><RunDetailPage /></WholeId> },
        { path: '/sweeps', element: <SweepsPage /> },
        { path: '/sweeps/new', element: <NewSweepPage /> },
        { path: '/sweeps/:sweepId', element: <WholeId kind="sweeps" param="sweepId"><SweepDetailPage /></WholeId> },
        { path: '/compare', element: <ComparePage /> },
        { path: '/walkforwards', element: <WalkForwardsPage /> },
        { path: '/walkforwards/new', element: <NewWalkForwardPage /> },
        {
          path: '/walkforwards/:walkforwardId',
          element: <WholeId kind="walkforwards" param="walkforwardId"><WalkForwardDetailPage /></WholeId>,
        },
        { path: '/live', element: <LivePanel /> },
        { path: '/data', element: <DataPage /> },
        { path: '/notifications', element: <NotificationsPage /> },
        { path: '*', element: <NotFound /> },
      ].map((route) => ({ ...route, errorElement: <RouteError /> })),
    },
  ]);
}
