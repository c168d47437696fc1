import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { BrokerAccount } from '@/lib/api/types';
import { cashAboveBuyingPower, cashCrowdsOtherRuns, PaperBrokerNote } from './PaperBrokerNote';

const account = (buying_power: string) => ({ configured: true, broker: 'other' as const,
  account: { cash: buying_power, equity: buying_power, buying_power, last_equity: buying_power, status: 'ACTIVE' } as BrokerAccount });

describe('PaperBrokerNote', () => {
  it("warns before the run is created when its cash is above the paper account's buying power (trial 30)", () => {
    render(<PaperBrokerNote account={account('99940.15')} cash="100,000" />);
    expect(screen.getByTestId('paper-cash-above')).toHaveTextContent("The paper account's buying power is $99,940.15, "
      + "less than this run's cash $100,000.00: an order sized on the whole cash (a percent of 100) will be refused by "
      + 'the broker. Give a cash of at most $99,940.15, or leave room for the other runs on the account.');
  });

  it('says nothing when the cash fits, or a figure is unknown', () => {
    expect(cashAboveBuyingPower(account('100000'), '100000')).toBeNull();
    expect(cashAboveBuyingPower(account('100000'), '')).toBeNull();
    expect(cashAboveBuyingPower(account('100000'), 'lots')).toBeNull();
    expect(cashAboveBuyingPower({ configured: true, broker: 'other', account: null }, '5')).toBeNull();
    expect(cashAboveBuyingPower(undefined, '5')).toBeNull();
  });

  it('warns when the cash the active paper runs have left and this run\'s together are above the buying power', () => {
    const shared = { ...account('100000'), runs_cash: { runs: 2, cash: '73099.2400' } };
    render(<PaperBrokerNote account={shared} cash="50000" />);
    expect(screen.getByTestId('paper-cash-above')).toHaveTextContent('The 2 active paper runs have $73,099.24 left to '
      + "spend on the paper account; with this run's $50,000.00 that is $123,099.24, more than its buying power "
      + "$100,000.00. The runs share it, so an order sized on this run's whole cash may be refused while its backtest "
      + 'buys. Give a cash of at most $26,900.76, or stop a run first.');
    expect(cashCrowdsOtherRuns(shared, '26900.76')).toBeNull();
    expect(cashCrowdsOtherRuns({ ...shared, runs_cash: { runs: 1, cash: '100000' } }, '1')).toBe(
      "The active paper run has $100,000.00 left to spend on the paper account; with this run's $1.00 that is "
      + '$100,001.00, more than its buying power $100,000.00. The runs share it, so an order sized on this run\'s '
      + 'whole cash may be refused while its backtest buys. They count on all of it already: stop a run first, or '
      + 'give a cash they can spare.');
    expect(cashCrowdsOtherRuns({ ...shared, runs_cash: { runs: 0, cash: '0' } }, '200000')).toBeNull();
  });
});
