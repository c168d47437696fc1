import { add, compare, isDecimal, sign, sub } from '@/lib/decimal';
import type { Account } from '@/lib/api/types';
import { formatMoney } from '@/lib/format';

export type PaperAccountView = Pick<Account, 'configured' | 'broker'> & Partial<Pick<Account, 'account' | 'runs_cash'>>;

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

/** The run's cash beside what the active paper runs have left to spend, against the buying power they share
 * (trial 40: a second $100,000 run on a $100,000 account took the first one's buying power, and its buys were
 * refused). Null when they fit together, when no run is active, or a figure is unknown. */
export function cashCrowdsOtherRuns(account: PaperAccountView | undefined, cash: string): string | null {
  const power = account?.account?.buying_power;
  const others = account?.runs_cash;
  const given = cash.replace(/[,_\s]/g, '');
  if (!power || !others?.runs || !isDecimal(given) || !isDecimal(power) || !isDecimal(others.cash)) return null;
  const together = add(given, others.cash);
  if (compare(together, power) <= 0) return null;
  const runs = others.runs === 1 ? 'The active paper run has' : `The ${others.runs} active paper runs have`;
  const room = sub(power, others.cash);
  const advice = sign(room) > 0 ? `Give a cash of at most $${formatMoney(room)}, or stop a run first.`
    : 'They count on all of it already: stop a run first, or give a cash they can spare.';
  return `${runs} $${formatMoney(others.cash)} left to spend on the paper account; with this run's `
    + `$${formatMoney(given)} that is $${formatMoney(together)}, more than its buying power $${formatMoney(power)}. `
    + `The runs share it, so an order sized on this run's whole cash may be refused while its backtest buys. ${advice}`;
}

export function PaperBrokerNote({ account, cash = '' }: { account?: PaperAccountView; cash?: string }) {
  const above = cashAboveBuyingPower(account, cash) ?? cashCrowdsOtherRuns(account, cash);
  return (
    <>
      <div className="banner info" data-testid="paper-broker">{paperBrokerText(account)}</div>
      {above ? <div className="banner warn" role="note" data-testid="paper-cash-above">{above}</div> : null}
    </>
  );
}
