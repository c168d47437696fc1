/**
 * Settings that contradict each other, found before submit: the account may short while the
 * strategy's own declared parameters keep it long-only (a long-only result nobody asked for), or
 * the strategy means to short while the account may not (every short sell rejected).
 * Read from the strategy's declared parameters, never from its name.
 */
import type { JsonSchemaProperty, ParamsSchema } from '@/lib/api/types';
import { properties, type RawValue } from './schema';

/** `param`: the strategy parameter the setting contradicts. */
export interface Conflict { path: string; param: string; message: string }

type ShortIntent = { param: string; shorts: boolean } | null;

const isOn = (raw: RawValue | undefined) => raw === true || raw === 'true';

/** Whether the strategy's parameters, as set, let it sell short; null when it declares no such parameter. */
export function strategyShorts(schema: ParamsSchema | undefined, params: Record<string, RawValue>): ShortIntent {
  for (const [name, prop] of properties(schema)) {
    const value = params[name] ?? defaultOf(prop);
    if (prop.type === 'boolean' && /^(allow|enable)_?short/i.test(name)) return { param: name, shorts: isOn(value) };
    if (prop.type === 'boolean' && /long_?only/i.test(name)) return { param: name, shorts: !isOn(value) };
    if (/^(direction|side|sides)$/i.test(name) && prop.enum?.some((v) => /short/i.test(String(v)))) {
      return { param: name, shorts: /short|both|any/i.test(String(value ?? '')) };
    }
  }
  return null;
}

function defaultOf(prop: JsonSchemaProperty): RawValue | undefined {
  return prop.default === undefined || prop.default === null ? undefined : (prop.default as RawValue);
}

export function shortingConflict(schema: ParamsSchema | undefined, params: Record<string, RawValue>,
  allowShort: boolean): Conflict | null {
  const intent = strategyShorts(schema, params);
  if (!intent || intent.shorts === allowShort) return null;
  return allowShort
    ? { path: 'allow_short', param: intent.param, message: `Short selling is allowed, but the strategy's ${intent.param} parameter keeps it `
        + 'long-only: this run will not sell short.' }
    : { path: 'allow_short', param: intent.param, message: `The strategy's ${intent.param} parameter has it sell short, but short selling `
        + (intent.param === REFUSED_PARAM
          ? `is not allowed: every short sale would be refused, so the run is not made. Turn Short selling on, or ${REFUSED_PARAM} off.`
          : 'is not allowed: its short sells will be rejected.') };
}

/** The parameter the server refuses to run on where the run may not short (app/marvin/shorting.py): a run asking
 * for it is not made, a sweep's or walk-forward's cells asking for it are skipped. */
const REFUSED_PARAM = 'allow_short';

/** A grid sweeping allow_short over true while short selling is off: those cells will be skipped (the server's
 * rule), said before launch, with how many of `cells` that is. */
export function sweptShorting(values: Record<string, unknown[]>, allowShort: boolean, cells: number):
  { conflict: Conflict; skipped: number } | null {
  const swept = values[REFUSED_PARAM];
  const on = (swept ?? []).filter((v) => v === true || v === 'true').length;
  if (allowShort || !swept || !on) return null;
  const skipped = Math.round((cells * on) / swept.length);
  return { skipped, conflict: { path: 'allow_short', param: REFUSED_PARAM, message: `The grid's ${REFUSED_PARAM}=true cells `
    + `would sell short, but short selling is off: ${skipped === 1 ? 'that backtest' : `those ${skipped} backtests`} will be `
    + 'skipped. Turn Short selling on to run them.' } };
}
