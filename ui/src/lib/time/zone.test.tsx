import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Time, TimeZoneToggle } from '@/components/ui/Time';
import { currentZoneName, formatInZone, localizeStamps, setZoneMode, utcIsoToWallTime, wallTimeToUtcIso, zoneDescription } from './zone';

describe('time formatting', () => {
  const iso = '2024-03-01T14:30:15Z';

  it('renders a UTC instant in a given zone', () => {
    expect(formatInZone(iso, 'UTC')).toBe('2024-03-01 14:30');
    expect(formatInZone(iso, 'America/New_York')).toBe('2024-03-01 09:30');
    expect(formatInZone(iso, 'Asia/Tokyo', 'seconds')).toBe('2024-03-01 23:30:15');
    expect(formatInZone(iso, 'UTC', 'date')).toBe('2024-03-01');
    expect(formatInZone(null, 'UTC')).toBe('—');
  });

  it('converts wall times typed in a zone to UTC and back, across DST', () => {
    expect(wallTimeToUtcIso('2024-07-01T09:30', 'America/New_York')).toBe('2024-07-01T13:30:00.000Z');
    expect(wallTimeToUtcIso('2024-07-01T09:30:04', 'America/New_York')).toBe('2024-07-01T13:30:04.000Z');
    expect(utcIsoToWallTime('2024-07-01T13:30:04Z', 'America/New_York', true)).toBe('2024-07-01T09:30:04');
    expect(wallTimeToUtcIso('2024-01-02T09:30', 'America/New_York')).toBe('2024-01-02T14:30:00.000Z');
    expect(wallTimeToUtcIso('2024-01-02', 'UTC')).toBe('2024-01-02T00:00:00.000Z');
    expect(wallTimeToUtcIso('nonsense', 'UTC')).toBeNull();
    expect(utcIsoToWallTime('2024-07-01T13:30:00Z', 'America/New_York')).toBe('2024-07-01T09:30');
  });

  it('says which zone is shown', () => {
    expect(zoneDescription('utc')).toBe('UTC');
    expect(zoneDescription('local')).toContain(Intl.DateTimeFormat().resolvedOptions().timeZone);
  });

  it('switches every rendered time between local and UTC with the toggle, and remembers it', () => {
    setZoneMode('local');
    render(<><TimeZoneToggle /><Time value={iso} /></>);
    const local = Intl.DateTimeFormat().resolvedOptions().timeZone;
    expect(screen.getByText(formatInZone(iso, local))).toBeInTheDocument();
    expect(screen.getByTestId('tz-local')).toHaveAttribute('aria-pressed', 'true');

    fireEvent.click(screen.getByTestId('tz-utc'));
    expect(screen.getByText('2024-03-01 14:30')).toBeInTheDocument();
    expect(screen.getByTestId('tz-label')).toHaveTextContent('UTC');
    expect(screen.getByTestId('tz-utc')).toHaveAttribute('aria-pressed', 'true');
    expect(window.localStorage.getItem('haro.timezone')).toBe('utc');
    // the full ISO instant stays available on hover
    expect(screen.getByText('2024-03-01 14:30').closest('time')).toHaveAttribute('title', `${iso} (UTC)`);
  });
});

describe('localizeStamps', () => {
  it('shows the UTC instants of a server sentence in the zone, and leaves the rest as sent (trial 30)', () => {
    expect(localizeStamps('since the sell only the backtest made, on the bar of 2026-12-07T13:34:06Z', 'America/New_York'))
      .toBe('since the sell only the backtest made, on the bar of 2026-12-07 08:34:06');
    expect(localizeStamps('not running on 3 earlier bars (2024-06-03T14:33:00Z to 2024-06-03T14:35:00Z)', 'UTC'))
      .toBe('not running on 3 earlier bars (2024-06-03 14:33:00 to 2024-06-03 14:35:00)');
    expect(localizeStamps('the strategy failed on the bar 2024-01-15T21:00:00+00:00: boom', 'Europe/Berlin'))
      .toBe('the strategy failed on the bar 2024-01-15 22:00:00: boom');
    expect(localizeStamps('no times here: 12 shares at 189.90', 'America/New_York')).toBe('no times here: 12 shares at 189.90');
  });
});

describe('the zone name shown', () => {
  it("is today's IANA name where the browser resolves an old one (trial 31: Asia/Calcutta), and formats alike", () => {
    expect(currentZoneName('Asia/Calcutta')).toBe('Asia/Kolkata');
    expect(currentZoneName('Europe/Kiev')).toBe('Europe/Kyiv');
    expect(currentZoneName('Europe/Berlin')).toBe('Europe/Berlin');
    const at = new Date('2026-12-07T12:00:00Z');
    const show = (timeZone: string) => new Intl.DateTimeFormat('en-GB', { timeZone, timeStyle: 'short' }).format(at);
    expect(show('Asia/Kolkata')).toBe(show('Asia/Calcutta'));
  });
});
