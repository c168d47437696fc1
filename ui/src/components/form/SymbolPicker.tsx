import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { Series } from '@/lib/api/types';

export interface SymbolPickerProps {
  id: string;
  value: string[];
  onChange: (symbols: string[]) => void;
  series: Series[];
  timeframe: string;
  invalid?: boolean;
  describedBy?: string;
  max?: number;
}

interface Suggestion { symbol: string; here: boolean; synthetic: boolean; timeframes: string[] }

/** Chips plus a text box that autocompletes from the stored series; Enter, comma or Tab adds. */
export function SymbolPicker({ id, value, onChange, series, timeframe, invalid, describedBy, max = 50 }: SymbolPickerProps) {
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const inputRef = useRef<HTMLInputElement>(null);
  // The list closes a moment after blur (so a click on a suggestion lands first); a form that unmounts
  // meanwhile must not be updated, nor a refocus closed by the earlier blur's timer.
  const closing = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(closing.current), []);

  const all = useMemo(() => {
    const bySymbol = new Map<string, Suggestion>();
    for (const s of series) {
      const entry = bySymbol.get(s.symbol) ?? { symbol: s.symbol, here: false, synthetic: false, timeframes: [] };
      entry.timeframes.push(s.timeframe);
      if (s.timeframe === timeframe) entry.here = true;
      if (s.source === 'synthetic') entry.synthetic = true;
      bySymbol.set(s.symbol, entry);
    }
    return [...bySymbol.values()].sort((a, b) => Number(b.here) - Number(a.here) || a.symbol.localeCompare(b.symbol));
  }, [series, timeframe]);

  const query = text.trim().toUpperCase();
  const suggestions = all.filter((s) => !value.includes(s.symbol) && (!query || s.symbol.startsWith(query))).slice(0, 12);

  const add = (raw: string) => {
    const symbols = raw.split(/[\s,;]+/).map((s) => s.trim().toUpperCase()).filter(Boolean);
    const next = [...value];
    for (const s of symbols) if (!next.includes(s) && next.length < max) next.push(s);
    onChange(next);
    setText('');
    setActive(0);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setOpen(true);
      setActive((a) => Math.min(a + 1, suggestions.length - 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(a - 1, 0));
    } else if (e.key === 'Enter' || e.key === ',' || (e.key === 'Tab' && query)) {
      if (!query && e.key !== 'Enter') return;
      e.preventDefault();
      const pick = open && suggestions[active] && suggestions[active].symbol.startsWith(query) ? suggestions[active].symbol : query;
      if (pick) add(pick);
    } else if (e.key === 'Backspace' && !text && value.length) {
      onChange(value.slice(0, -1));
    } else if (e.key === 'Escape') {
      setOpen(false);
    }
  };

  const listId = `${id}-list`;
  return (
    <div className="symbol-picker" style={{ position: 'relative' }}>
      <div className="input" style={{ display: 'flex', flexWrap: 'wrap', gap: 4, height: 'auto', minHeight: 28,
        padding: '2px 4px', alignItems: 'center' }} aria-invalid={invalid}
        onClick={() => inputRef.current?.focus()}>
        {value.map((s) => (
          <span key={s} className="badge plain mono" data-testid="symbol-chip">
            {s}
            <button type="button" className="btn-ghost" style={{ border: 0, background: 'none', cursor: 'pointer',
              color: 'inherit', padding: 0 }} aria-label={`Remove ${s}`}
              onClick={() => onChange(value.filter((x) => x !== s))}>×</button>
          </span>
        ))}
        <input id={id} ref={inputRef} value={text} role="combobox" aria-expanded={open && suggestions.length > 0}
          aria-controls={listId} aria-autocomplete="list" aria-describedby={describedBy} autoComplete="off"
          placeholder={value.length ? '' : 'AAPL, MSFT…'} className="mono"
          style={{ border: 0, outline: 'none', background: 'transparent', flex: 1, minWidth: 80, height: 22 }}
          onChange={(e) => { setText(e.target.value); setOpen(true); setActive(0); }}
          onFocus={() => { clearTimeout(closing.current); setOpen(true); }}
          onBlur={() => { closing.current = setTimeout(() => setOpen(false), 150); }}
          onKeyDown={onKeyDown} data-testid="symbol-input" />
      </div>
      {open && suggestions.length > 0 ? (
        <ul id={listId} role="listbox" className="panel" data-testid="symbol-suggestions"
          style={{ position: 'absolute', zIndex: 10, left: 0, right: 0, margin: 0, padding: 2, listStyle: 'none',
            maxHeight: 240, overflow: 'auto' }}>
          {suggestions.map((s, i) => (
            <li key={s.symbol} role="option" aria-selected={i === active} data-testid="symbol-option"
              onMouseDown={(e) => { e.preventDefault(); add(s.symbol); }} onMouseEnter={() => setActive(i)}
              style={{ padding: '3px 6px', cursor: 'pointer', display: 'flex', gap: 8, alignItems: 'center',
                background: i === active ? 'var(--bg-3)' : undefined }}>
              <span className="mono" style={{ minWidth: 56 }}>{s.symbol}</span>
              <span className={s.here ? 'muted' : 'dim'} style={{ fontSize: 11 }}>
                {s.here ? timeframe : `no ${timeframe} bars`} · {s.timeframes.join(' ')}
              </span>
              {s.synthetic ? <span className="badge plain synthetic">synthetic</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
