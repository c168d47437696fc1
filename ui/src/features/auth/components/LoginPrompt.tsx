import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/Button';
import { isApiError } from '@/lib/api/client';
import { sessionWasRejected, signIn } from '@/lib/auth/session';

/** Shown when this browser has no session, or after the server refused it (any 401). */
export function LoginPrompt() {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const rejected = sessionWasRejected();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const token = value.trim();
    if (!token) return;
    setBusy(true);
    setError(null);
    try {
      await signIn(token);
    } catch (err) {
      setError(isApiError(err) && err.status === 401
        ? 'The server rejected this token.'
        : err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login">
      <form className="modal" onSubmit={submit} data-testid="login-prompt" aria-labelledby="login-title">
        <div className="brand"><span>HARO</span><small>Weaver</small></div>
        <h1 id="login-title">Connect to Weaver</h1>
        {rejected ? (
          <div className="banner warn" role="alert" data-testid="login-rejected">
            The server did not accept the token or the session (HTTP 401). Enter a valid token to continue.
          </div>
        ) : null}
        <p className="muted" style={{ margin: 0 }}>
          Open the URL Weaver printed when it started (it carries <code>?token=…</code>), or paste the API token
          (<code>WEAVER_API_TOKEN</code>). This browser then stays signed in, in every tab, until you log out.
        </p>
        <div className="field">
          <label htmlFor="token">API token</label>
          <input id="token" className="input mono" type="password" autoComplete="current-password" autoFocus
            value={value} onChange={(e) => setValue(e.target.value)} data-testid="token-input"
            aria-invalid={!!error} />
          {error ? <span className="error" role="alert" data-testid="login-error">{error}</span> : null}
        </div>
        <div className="modal-actions">
          <Button type="submit" variant="primary" busy={busy} disabled={!value.trim()} data-testid="login-submit">
            Connect
          </Button>
        </div>
      </form>
    </div>
  );
}
