import { describe, expect, it, vi } from 'vitest';
import { captureTokenFromUrl, clearToken, getToken, setToken, subscribeToken } from './token';

describe('the token store', () => {
  it('takes ?token= from the URL, keeps it in sessionStorage and scrubs the address bar', () => {
    window.history.replaceState(null, '', '/runs/abc?token=XYZ123&tab=trades#top');
    captureTokenFromUrl();
    expect(getToken()).toBe('XYZ123');
    expect(window.sessionStorage.getItem('weaver.token')).toBe('XYZ123');
    expect(window.location.pathname + window.location.search + window.location.hash).toBe('/runs/abc?tab=trades#top');
  });

  it('leaves the URL alone when it has no token', () => {
    window.history.replaceState(null, '', '/sweeps?x=1');
    captureTokenFromUrl();
    expect(window.location.search).toBe('?x=1');
  });

  it('notifies subscribers on change', () => {
    const listener = vi.fn();
    const stop = subscribeToken(listener);
    setToken('a');
    clearToken();
    stop();
    setToken('b');
    expect(listener).toHaveBeenCalledTimes(2);
  });
});
