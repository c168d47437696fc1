import { afterEach, describe, expect, it, vi } from 'vitest';
import { getSessionState, sessionWasRejected, signIn } from '@/lib/auth/session';
import { ApiError, apiRequest, parseError } from './client';

function respond(status: number, body: string, headers: Record<string, string> = {}) {
  return vi.spyOn(globalThis, 'fetch').mockResolvedValue(new Response(status === 204 ? null : body, { status, headers }));
}

describe('the API client', () => {
  afterEach(() => vi.restoreAllMocks());

  it('is signed in by the session cookie (no token in script), says X-Requested-With, and parses JSON', async () => {
    const fetch = respond(200, '{"status":"ok"}');
    await expect(apiRequest('/health')).resolves.toEqual({ status: 'ok' });
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('/api/v1/health');
    expect(init?.credentials).toBe('same-origin');
    const headers = init?.headers as Record<string, string>;
    expect(headers.Authorization).toBeUndefined();
    expect(headers['X-Requested-With']).toBe('haro');
  });

  it('encodes the query and sends JSON bodies', async () => {
    const fetch = respond(201, '{"id":"r1"}');
    await apiRequest('/runs', { method: 'POST', body: { a: 1 }, query: { page: 2, mode: '', x: undefined } });
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('/api/v1/runs?page=2');
    expect(init?.body).toBe('{"a":1}');
    expect((init?.headers as Record<string, string>)['Content-Type']).toBe('application/json');
  });

  it('turns an error body into a typed ApiError with status, code, details and correlation id', async () => {
    respond(422, JSON.stringify({
      code: 'validation_failed', message: 'invalid body',
      details: { fields: { 'params.fast': 'must be less than slow', cash: 'Input should be greater than 0' } },
      correlation_id: 'abc123',
    }));
    const error = await apiRequest('/runs', { method: 'POST', body: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    const api = error as ApiError;
    expect(api.status).toBe(422);
    expect(api.code).toBe('validation_failed');
    expect(api.message).toBe('invalid body');
    expect(api.correlationId).toBe('abc123');
    expect(api.fieldErrors).toEqual({ 'params.fast': 'must be less than slow', cash: 'Input should be greater than 0' });
  });

  it('copes with a body that is not JSON, taking the correlation id from the header', async () => {
    const error = await parseError(new Response('<html>Bad gateway</html>', {
      status: 502, statusText: 'Bad Gateway', headers: { 'X-Correlation-ID': 'hdr-1' },
    }));
    expect(error.status).toBe(502);
    expect(error.code).toBe('http_502');
    expect(error.message).toContain('Bad gateway');
    expect(error.correlationId).toBe('hdr-1');
    expect(error.fieldErrors).toEqual({});
  });

  it('signs out on a 401 so the login prompt shows', async () => {
    respond(201, '{"authenticated_by":"cookie","expires_at":"2026-12-10T00:00:00Z"}');
    await signIn('good-token');
    expect(getSessionState()).toBe('signed-in');
    vi.restoreAllMocks();
    respond(401, JSON.stringify({ code: 'unauthorized', message: 'a valid API token is required', details: {}, correlation_id: 'c' }));
    await expect(apiRequest('/runs')).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    expect(getSessionState()).toBe('signed-out');
    expect(sessionWasRejected()).toBe(true);
  });

  it('stays signed in when a 401 is one the caller handles itself', async () => {
    respond(201, '{"authenticated_by":"cookie","expires_at":"2026-12-10T00:00:00Z"}');
    await signIn('good-token');
    vi.restoreAllMocks();
    respond(401, '{"code":"unauthorized","message":"no"}');
    await expect(apiRequest('/session', { method: 'POST', body: { token: 'x' }, keepSessionOn401: true }))
      .rejects.toBeInstanceOf(ApiError);
    expect(getSessionState()).toBe('signed-in');
  });

  it('reports an unreachable server as a network error', async () => {
    vi.spyOn(globalThis, 'fetch').mockRejectedValue(new TypeError('Failed to fetch'));
    await expect(apiRequest('/health')).rejects.toMatchObject({ status: 0, code: 'network_error' });
  });

  it('answers with the body of a status the caller accepts (a degraded /health is 503)', async () => {
    respond(503, '{"status":"degraded","failing":["scheduler"]}');
    await expect(apiRequest('/health', { acceptStatuses: [503] }))
      .resolves.toEqual({ status: 'degraded', failing: ['scheduler'] });
    respond(503, '{"status":"degraded","failing":["scheduler"]}');
    await expect(apiRequest('/health')).rejects.toMatchObject({ status: 503 });
  });

  it('returns undefined for 204 No Content', async () => {
    respond(204, '');
    await expect(apiRequest('/runs/x', { method: 'DELETE' })).resolves.toBeUndefined();
  });
});
