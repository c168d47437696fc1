/**
 * Idempotency keys for create requests: sending the same body again (a double click, a retry after
 * a network error) reuses the key, so the server creates once and answers the first result again;
 * another body, or a success, starts a new key (creating the same thing twice on purpose works).
 */

/** A random key: crypto.randomUUID where the page is a secure context, random bytes elsewhere. */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export class CreationKeys {
  private last: { body: string; key: string } | null = null;

  /** The key for sending `body`: the previous one while the body is unchanged and unanswered. */
  keyFor(body: unknown): string {
    const text = JSON.stringify(body);
    if (!this.last || this.last.body !== text) this.last = { body: text, key: newIdempotencyKey() };
    return this.last.key;
  }

  /** The creation succeeded: the next one is a new request. */
  succeeded(): void {
    this.last = null;
  }
}
