import { NavLink, Outlet, ScrollRestoration } from 'react-router-dom';
import { Button } from '@/components/ui/Button';
import { ConnectionIndicator } from '@/components/ui/ConnectionIndicator';
import { HealthIndicator } from '@/components/ui/HealthIndicator';
import { TimeZoneToggle } from '@/components/ui/Time';
import { signOut } from '@/lib/auth/session';

const LINKS: Array<[string, string, boolean]> = [
  ['/', 'Runs', true],
  ['/runs/new', 'New run', false],
  ['/sweeps', 'Sweeps', false],
  ['/walkforwards', 'Walk-forward', false],
  ['/live', 'Live', false],
  ['/data', 'Data', false],
  ['/notifications', 'Notifications', false],
];

export function Shell() {
  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">HARO<small className="hide-narrow">Weaver</small></span>
        <nav className="nav" aria-label="Main">
          {LINKS.map(([to, label, end]) => (
            <NavLink key={to} to={to} end={end} data-testid={`nav-${label.toLowerCase().replace(/\s+/g, '-')}`}
              className={({ isActive }) => (isActive ? 'active' : undefined)}>{label}</NavLink>
          ))}
        </nav>
        <div className="topbar-right">
          <ConnectionIndicator />
          <HealthIndicator />
          <TimeZoneToggle />
          <Button size="sm" variant="ghost" onClick={() => void signOut()} title="Sign this browser out (every tab)"
            data-testid="logout">Log out</Button>
        </div>
      </header>
      <main className="main"><Outlet /></main>
      {/* A new page opens at its top (trial 31: a walk-forward launched from the long form opened 400 px down,
          its header under the bar); back and forward return to where the page was. */}
      <ScrollRestoration />
    </div>
  );
}
