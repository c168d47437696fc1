import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { BrokerAccount } from '@/lib/api/types';
import { cashAboveBuyingPower, PaperBrokerNote } from './PaperBrokerNote';

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
});
