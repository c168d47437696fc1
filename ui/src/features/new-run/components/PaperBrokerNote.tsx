import type { Account } from '@/lib/api/types';

export type PaperAccountView = Pick<Account, 'configured' | 'broker'>;

/** Which paper account a paper run trades on, as GET /accounts says (never assumed to be Alpaca). */
export function paperBrokerText(account: PaperAccountView | undefined): string {
  if (account && !account.configured) return 'No paper account is configured: a paper run cannot start until one is.';
  if (account?.broker === 'alpaca') return 'Paper trading on the Alpaca paper account: orders are simulated by the broker.';
  if (account?.broker === 'other') {
    return "Paper trading on the configured exchange's paper account (not Alpaca, e.g. Weaver's local exchange): orders are simulated there.";
  }
  return "Paper trading on the paper account of the configured broker (Alpaca or Weaver's local exchange): orders are simulated by it.";
}

export function PaperBrokerNote({ account }: { account?: PaperAccountView }) {
  return <div className="banner info" data-testid="paper-broker">{paperBrokerText(account)}</div>;
}
