import { compare, isDecimal } from '@/lib/decimal';
import type { Account } from '@/lib/api/types';
import { formatMoney } from '@/lib/format';

export type PaperAccountView = Pick<Account, 'configured' | 'broker'> & Partial<Pick<Account, 'account'>>;

/** Which paper account a paper run trades on, as GET /accounts says (never assumed to be Alpaca). */
export function paperBrokerText(account: PaperAccountView | undefined): string {
  if (account && !account.configured) return 'No paper account is configured: a paper run cannot start until one is.';
  if (account?.broker === 'alpaca') return 'Paper trading on the Alpaca paper account: orders are simulated by the broker.';
  if (account?.broker === 'other') {
    return "Paper trading on the configured exchange's paper account (not Alpaca, e.g. Weaver's local exchange): orders are simulated there.";
  }
  return "Paper trading on the paper account of the configured broker (Alpaca or Weaver's local exchange): orders are simulated by it.";
}

/** The run's cash against the paper account's buying power, before the run is created (trial 30: the form's
 * 100,000 default was above an account down to 99,940 and every all-in buy was refused; the warning came only
 * after the run had started). Null when the cash fits, or either figure is unknown. */
export function cashAboveBuyingPower(account: PaperAccountView | undefined, cash: string): string | null {
  const power = account?.account?.buying_power;
  const given = cash.replace(/[,_\s]/g, '');  // as the form reads it (settings.ts)
  if (!power || !isDecimal(given) || !isDecimal(power) || compare(given, power) <= 0) return null;
  return `The paper account's buying power is $${formatMoney(power)}, less than this run's cash $${formatMoney(given)}: `
    + 'an order sized on the whole cash (a percent of 100) will be refused by the broker. Give a cash of at most '
    + `$${formatMoney(power)}, or leave room for the other runs on the account.`;
}

export function PaperBrokerNote({ account, cash = '' }: { account?: PaperAccountView; cash?: string }) {
  const above = cashAboveBuyingPower(account, cash);
  return (
    <>
      <div className="banner info" data-testid="paper-broker">{paperBrokerText(account)}</div>
      {above ? <div className="banner warn" role="note" data-testid="paper-cash-above">{above}</div> : null}
    </>
  );
}
