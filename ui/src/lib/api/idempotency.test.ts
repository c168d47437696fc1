import { describe, expect, it } from 'vitest';
import { CreationKeys, newIdempotencyKey } from './idempotency';

describe('CreationKeys', () => {
  it('reuses the key for the same body until it succeeds', () => {
    const keys = new CreationKeys();
    const first = keys.keyFor({ strategy: 'sma_cross', cash: '1000' });
    expect(keys.keyFor({ strategy: 'sma_cross', cash: '1000' })).toBe(first);
    keys.succeeded();
    expect(keys.keyFor({ strategy: 'sma_cross', cash: '1000' })).not.toBe(first);
  });

  it('starts a new key when the body changes', () => {
    const keys = new CreationKeys();
    const first = keys.keyFor({ cash: '1000' });
    expect(keys.keyFor({ cash: '2000' })).not.toBe(first);
  });

  it('makes keys the API accepts (1 to 255 visible ASCII characters)', () => {
    const key = newIdempotencyKey();
    expect(key).toMatch(/^[\x21-\x7e]{1,255}$/);
    expect(newIdempotencyKey()).not.toBe(key);
  });
});
