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
        + 'is not allowed: its short sells will be rejected.' };
}
