import { Time } from '@/components/ui/Time';
import { formatMoney } from '@/lib/format';
import { barTimeStyle } from '@/lib/time/barTime';

function text(value: unknown): string | null {
  return typeof value === 'string' && value ? value : null;
}

function model(value: unknown, amount: 'rate' | 'value'): string | null {
  if (!value || typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  const name = text(v.model);
  if (!name) return null;
  const figure = v[amount];
  return figure !== undefined && figure !== null && figure !== '' ? `${name} ${String(figure)}` : name;
}

/**
 * The settings every cell of a sweep shares (its body's `settings`): symbols, timeframe, window, cash,
 * fees and slippage, laid out as a run's header lays out its own, dates per timeframe.
 */
export function SweepSettings({ settings }: { settings: Record<string, unknown> }) {
  const symbols = Array.isArray(settings.symbols) ? settings.symbols.map(String) : [];
  const timeframe = text(settings.timeframe);
  const start = text(settings.start);
  const end = text(settings.end);
  const cash = text(settings.cash);
  const fees = model(settings.fees, 'rate');
  const slippage = model(settings.slippage, 'value');
  const style = barTimeStyle(timeframe ?? '1Day');
  return (
    <>
      {symbols.length ? <span>symbols <span className="mono">{symbols.join(', ')}</span></span> : null}
      {timeframe ? <span>timeframe <span className="mono">{timeframe}</span></span> : null}
      {start || end ? (
        // an open end is the last stored bar, said so, not "—" (trial 40: "window 2021-01-01 → —" where the cells ran
        // to 2024-10-30)
        <span data-testid="sweep-window">window {start ? <Time value={start} style={style} /> : 'the first stored bar'}
          {' → '}{end ? <Time value={end} style={style} /> : 'the last stored bar'}</span>
      ) : null}
      {cash ? <span>cash <span className="mono">{formatMoney(cash)}</span></span> : null}
      {fees ? <span>fees <span className="mono">{fees}</span></span> : null}
      {slippage ? <span>slippage <span className="mono">{slippage}</span></span> : null}
    </>
  );
}
