/**
 * The API token: taken from `?token=` on first load (then removed from the address bar), kept in
 * sessionStorage for this tab, cleared on any 401 so the login prompt asks again.
 */
const KEY = 'weaver.token';
type Listener = () => void;
const listeners = new Set<Listener>();

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null; // storage disabled: the token lives only as long as the page
  }
}

let memory: string | null = null;

export function getToken(): string | null {
  return storage()?.getItem(KEY) ?? memory;
}

export function setToken(token: string): void {
  const value = token.trim();
  rejected = false;
  memory = value;
  storage()?.setItem(KEY, value);
  listeners.forEach((l) => l());
}

let rejected = false;

/** Whether the last token was dropped because the server refused it (the login prompt says so). */
export function tokenWasRejected(): boolean {
  return rejected;
}

export function clearToken(reason: 'rejected' | 'logout' = 'logout'): void {
  rejected = reason === 'rejected';
  memory = null;
  storage()?.removeItem(KEY);
  listeners.forEach((l) => l());
}

export function subscribeToken(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Move `?token=` from the URL into storage and scrub it from the address bar and history. */
export function captureTokenFromUrl(location: Location = window.location, history: History = window.history): void {
  const url = new URL(location.href);
  const token = url.searchParams.get('token');
  if (token === null) return;
  if (token.trim()) setToken(token);
  url.searchParams.delete('token');
  history.replaceState(history.state, '', `${url.pathname}${url.search}${url.hash}`);
}
