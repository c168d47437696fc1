/**
 * Whether this browser is signed in. The API token is exchanged once (POST /api/v1/session) for an
 * HttpOnly session cookie that every tab sends by itself: no script here ever holds the token after
 * that, and the EventSource is signed in by the cookie too. A token in the URL (`?token=`, the link
 * `weaver standalone` prints) is taken out of the address bar before it is exchanged.
 */
import { apiRequest, isApiError } from '@/lib/api/client';
import type { components } from '@/lib/api/generated/schema';

export type SessionState = 'checking' | 'signed-in' | 'signed-out';
type Listener = () => void;

const listeners = new Set<Listener>();
let state: SessionState = 'checking';
let rejected = false;

function set(next: SessionState, wasRejected = false): void {
  rejected = wasRejected;
  if (next === state) {
    listeners.forEach((l) => l()); // `rejected` may have changed
    return;
  }
  state = next;
  listeners.forEach((l) => l());
}

export function getSessionState(): SessionState {
  return state;
}

export function subscribeSession(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Whether the last sign-in or session was refused by the server (the login prompt says so). */
export function sessionWasRejected(): boolean {
  return rejected;
}

/** The server refused the session (any 401): show the login prompt. */
export function markSignedOut(reason: 'rejected' | 'logout' = 'logout'): void {
  set('signed-out', reason === 'rejected');
}

type SessionAnswer = components['schemas']['SessionOut'];

/** Exchange the token for the session cookie; a wrong token rejects with the server's 401. */
export async function signIn(token: string): Promise<void> {
  await apiRequest<SessionAnswer>('/session', { method: 'POST', body: { token: token.trim() }, keepSessionOn401: true });
  set('signed-in');
}

/** Expire the cookie on the server's say-so (it is HttpOnly: only the server can). */
export async function signOut(): Promise<void> {
  try {
    await apiRequest('/session', { method: 'DELETE', keepSessionOn401: true });
  } finally {
    set('signed-out');
  }
}

/** On load: take `?token=` out of the address bar and sign in with it, or ask whether this browser
 *  already has a session (another tab signed in). */
export async function resumeSession(location: Location = window.location, history: History = window.history): Promise<void> {
  const url = new URL(location.href);
  const token = url.searchParams.get('token');
  if (token !== null) {
    url.searchParams.delete('token');
    history.replaceState(history.state, '', `${url.pathname}${url.search}${url.hash}`);
  }
  try {
    if (token?.trim()) {
      await signIn(token);
      return;
    }
    const answer = await apiRequest<SessionAnswer>('/session', { keepSessionOn401: true });
    set(answer.authenticated_by ? 'signed-in' : 'signed-out');
  } catch (error) {
    set('signed-out', isApiError(error) && error.status === 401);
  }
}
