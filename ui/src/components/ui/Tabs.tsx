import type { ReactNode } from 'react';

export interface TabSpec<K extends string> { key: K; label: ReactNode; count?: number | null }

export function Tabs<K extends string>({ tabs, active, onChange }:
  { tabs: TabSpec<K>[]; active: K; onChange: (key: K) => void }) {
  return (
    <div className="tabs" role="tablist">
      {tabs.map((t) => (
        <button key={t.key} type="button" role="tab" aria-selected={t.key === active} onClick={() => onChange(t.key)}
          data-testid={`tab-${t.key}`}>
          {t.label}
          {t.count !== undefined && t.count !== null ? <span className="count">{t.count}</span> : null}
        </button>
      ))}
    </div>
  );
}
