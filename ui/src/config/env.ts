/**
 * Validated build-time configuration. Every value has a safe default so the built UI works when
 * served by Weaver itself; a malformed override fails at start-up with the variable's name.
 */
function apiBase(raw: string | undefined): string {
  const value = (raw ?? '/api/v1').trim();
  if (!value.startsWith('/') && !/^https?:\/\//.test(value)) {
    throw new Error(`VITE_API_BASE must be a path or an http(s) URL, got "${value}"`);
  }
  return value.replace(/\/+$/, '');
}

export const env = {
  apiBase: apiBase(import.meta.env.VITE_API_BASE as string | undefined),
} as const;
