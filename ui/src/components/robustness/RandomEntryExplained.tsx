import { formatCount } from '@/lib/format';

/** What a random-entry run is, as app/greta/robustness.py `random_entry` draws it: the same trades (symbol,
 *  side, bars held, stake as a share of equity), each entered at its own uniformly drawn bar where its holding
 *  period fits, close to close; random trades may overlap and pay no fees or slippage. `bars`: the bars entries
 *  are drawn from ("the run's window"). */
export function RandomEntryExplained({ trades, bars }: { trades: number; bars: string }) {
  return (
    <p className="dim" data-testid="random-entry-explained" style={{ margin: '4px 0' }}>
      A random-entry run replays the same {formatCount(trades)} closed trades at random times: each keeps its
      symbol, side, holding period in bars and stake (the same share of equity), but enters at the close of a bar
      drawn at random from {bars}, wherever its holding period fits, and exits at the close that many bars later.
      Each trade&apos;s entry is drawn on its own, so random trades may overlap one another. They pay no fees or
      slippage while the strategy&apos;s trades are net of both, so the comparison leans against the strategy. A
      run&apos;s return is its trades&apos; returns compounded.
    </p>
  );
}
