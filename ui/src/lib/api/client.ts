/**
 * The one API client: every request is signed in by the browser's session cookie (HttpOnly, so no
 * script sees it; lib/auth/session.ts), and carries X-Requested-With, which the server requires of a
 * cookie-signed change (its CSRF defence, app/glados/session.py). Failures become a typed ApiError
 * parsed from the `{code, message, details, correlation_id}` body, and a 401 signs out (the app then
 * shows the login prompt).
 */
import { env } from '@/config/env';
import { markSignedOut } from '@/lib/auth/session';
import type { ApiErrorBody } from './types';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: NonNullable<ApiErrorBody['details']>;
  readonly correlationId: string | null;

  constructor(status: number, code: string, message: string, details?: ApiErrorBody['details'],
    correlationId?: string | null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details ?? {};
    this.correlationId = correlationId ?? null;
  }

  /** Field-level validation messages keyed by dotted body path (`params.fast`, `cash`, `symbols.0`). */
  get fieldErrors(): Record<string, string> {
    const fields = this.details.fields;
    return fields && typeof fields === 'object' ? fields : {};
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  /** Don't sign out on a 401 (signing in and out answer 401 themselves). */
  keepSessionOn401?: boolean;
  /** Non-2xx statuses whose body is the answer, not an error (GET /health's 503 when degraded). */
  acceptStatuses?: number[];
  /** Extra request headers (e.g. Idempotency-Key on a create). */
  headers?: Record<string, string>;
}

export function apiUrl(path: string, query?: Query): string {
  const base = env.apiBase;
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== null && v !== '') search.set(k, String(v));
  }
  const qs = search.toString();
  return `${base}${path}${qs ? `?${qs}` : ''}`;
}

/** Turn any failed response into an ApiError, whatever its body looks like. */
export async function parseError(response: Response): Promise<ApiError> {
  const correlation = response.headers.get('X-Correlation-ID');
  let text = '';
  try {
    text = await response.text();
  } catch {
    /* body unreadable: fall through to the status line */
  }
  try {
    const body = JSON.parse(text) as Partial<ApiErrorBody>;
    if (body && typeof body === 'object' && typeof body.message === 'string') {
      return new ApiError(response.status, body.code ?? `http_${response.status}`, body.message,
        body.details ?? {}, body.correlation_id || correlation);
    }
  } catch {
    /* not JSON (a proxy's HTML page, an empty body) */
  }
  const message = text && text.length < 300 ? text : response.statusText || `HTTP ${response.status}`;
  return new ApiError(response.status, `http_${response.status}`, message, {}, correlation);
}

/** Sent with every request: a page on another origin cannot add it without a CORS preflight. */
export const REQUESTED_WITH = { 'X-Requested-With': 'haro' } as const;

function handleUnauthorized(error: ApiError, options: RequestOptions): void {
  if (error.status === 401 && !options.keepSessionOn401) markSignedOut('rejected');
}

export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = {
    Accept: 'application/json', ...options.headers, ...REQUESTED_WITH,
  };
  let body: BodyInit | undefined;
  if (options.body instanceof FormData) {
    body = options.body;
  } else if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(apiUrl(path, options.query), {
      method: options.method ?? 'GET', headers, body, signal: options.signal, credentials: 'same-origin',
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError(0, 'network_error', 'the Weaver server cannot be reached');
  }
  if (!response.ok && !options.acceptStatuses?.includes(response.status)) {
    const error = await parseError(response);
    handleUnauthorized(error, options);
    throw error;
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) => apiRequest<T>(path, { query, signal }),
  post: <T>(path: string, body?: unknown, headers?: Record<string, string>) =>
    apiRequest<T>(path, { method: 'POST', body: body ?? {}, headers }),
  delete: <T = void>(path: string) => apiRequest<T>(path, { method: 'DELETE' }),
};

/** Download a file the API serves (exports): fetched with the session, saved through a blob link. */
export async function downloadFile(path: string, query: Query, fallbackName: string): Promise<void> {
  const response = await fetch(apiUrl(path, query), { headers: { ...REQUESTED_WITH }, credentials: 'same-origin' });
  if (!response.ok) {
    const error = await parseError(response);
    handleUnauthorized(error, {});
    throw error;
  }
  const disposition = response.headers.get('Content-Disposition') ?? '';
  const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A multipart upload with progress (fetch cannot report upload progress; XHR can). */
export function uploadWithProgress<T>(path: string, form: FormData,
  onProgress: (fraction: number) => void, signal?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', apiUrl(path));
    xhr.setRequestHeader('X-Requested-With', REQUESTED_WITH['X-Requested-With']);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      const headers = new Headers();
      const correlation = xhr.getResponseHeader('X-Correlation-ID');
      if (correlation) headers.set('X-Correlation-ID', correlation);
      const response = new Response(xhr.status === 204 ? null : xhr.responseText, { status: xhr.status, headers });
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve(xhr.responseText ? (JSON.parse(xhr.responseText) as T) : (undefined as T));
        return;
      }
      void parseError(response).then((error) => {
        handleUnauthorized(error, {});
        reject(error);
      });
    };
    xhr.onerror = () => reject(new ApiError(0, 'network_error', 'the upload failed: the server cannot be reached'));
    xhr.onabort = () => reject(new DOMException('upload aborted', 'AbortError'));
    signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(form);
  });
}
