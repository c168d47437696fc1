import { afterEach, describe, expect, it, vi } from 'vitest';
import { getSessionState, resumeSession, sessionWasRejected, signOut, subscribeSession } from './session';

function answer(status: number, body: unknown) {
  return vi.spyOn(globalThis, 'fetch').mockResolvedValue(new Response(status === 204 ? null : JSON.stringify(body), { status }));
}

describe('the session', () => {
  afterEach(() => vi.restoreAllMocks());

  it('takes ?token= out of the address bar and exchanges it for the cookie', async () => {
    window.history.replaceState(null, '', '/runs/abc?token=XYZ123&tab=trades#top');
    const fetch = answer(201, { authenticated_by: 'cookie', expires_at: '2026-12-10T00:00:00Z' });
    const pending = resumeSession();
    // scrubbed at once, before the server answers
    expect(window.location.pathname + window.location.search + window.location.hash).toBe('/runs/abc?tab=trades#top');
    await pending;
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('/api/v1/session');
    expect(init?.method).toBe('POST');
    expect(init?.body).toBe('{"token":"XYZ123"}');
    expect(getSessionState()).toBe('signed-in');
    expect(window.sessionStorage.length + window.localStorage.length).toBe(0); // the token is kept nowhere
  });

  it('without a token in the URL, asks whether another tab already signed this browser in', async () => {
    window.history.replaceState(null, '', '/sweeps?x=1');
    const fetch = answer(200, { authenticated_by: 'cookie', expires_at: '2026-12-10T00:00:00Z' });
    await resumeSession();
    expect(fetch.mock.calls[0]![0]).toBe('/api/v1/session');
    expect(fetch.mock.calls[0]![1]?.method).toBe('GET');
    expect(window.location.search).toBe('?x=1');
    expect(getSessionState()).toBe('signed-in');

    answer(200, { authenticated_by: null, expires_at: null });
    await resumeSession();
    expect(getSessionState()).toBe('signed-out');
    expect(sessionWasRejected()).toBe(false);
  });

  it('a wrong token in the URL signs out, marked rejected', async () => {
    window.history.replaceState(null, '', '/?token=wrong');
    answer(401, { code: 'unauthorized', message: 'a valid API token is required', details: {}, correlation_id: 'c' });
    await resumeSession();
    expect(getSessionState()).toBe('signed-out');
    expect(sessionWasRejected()).toBe(true);
    expect(window.location.search).toBe('');
  });

  it('logging out asks the server to expire the cookie and notifies subscribers', async () => {
    const listener = vi.fn();
    const stop = subscribeSession(listener);
    const fetch = answer(204, null);
    await signOut();
    stop();
    expect(fetch.mock.calls[0]![1]?.method).toBe('DELETE');
    expect((fetch.mock.calls[0]![1]?.headers as Record<string, string>)['X-Requested-With']).toBe('haro');
    expect(getSessionState()).toBe('signed-out');
    expect(listener).toHaveBeenCalled();
  });
});
