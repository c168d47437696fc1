import { EmptyState, ErrorBanner, Loading } from '@/components/ui/Feedback';
import { isApiError } from '@/lib/api/client';
import { useAccounts } from '../api/accounts';
import { AccountPanel } from './AccountPanel';
import { KillSwitch } from './KillSwitch';
import { usePageTitle } from '@/lib/usePageTitle';

export function LivePanel() {
  usePageTitle('Live');
  const accounts = useAccounts();
  return (
    <div className="page" data-testid="live-panel">
      <div className="page-head">
        <h1>Live</h1>
        <span className="muted">Broker accounts, refreshed by the event stream and every 15 s.</span>
        <span className="spacer" />
        <KillSwitch />
      </div>
      {isApiError(accounts.error) && accounts.error.status === 404 ? (
        <EmptyState title="This Weaver has no accounts endpoint yet" testId="accounts-missing">
          <span>GET /api/v1/accounts answered 404: the server predates the live panel. Runs still work.</span>
        </EmptyState>
      ) : <ErrorBanner error={accounts.error} title="The accounts could not be loaded" />}
      {accounts.isPending ? <Loading /> : accounts.error ? null : (
        <div className="grid-2">
          {(accounts.data ?? []).map((a) => <AccountPanel key={a.kind} account={a} />)}
        </div>
      )}
    </div>
  );
}
