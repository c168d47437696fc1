import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ServerInfo { url: string; token: string; pid?: number }

export const E2E_DIR = dirname(fileURLToPath(import.meta.url));
export const STATE_DIR = join(E2E_DIR, '.state');
export const STATE_FILE = join(STATE_DIR, 'server.json');
export const SCREENSHOTS = join(E2E_DIR, 'screenshots');

/** Where the backend under test is: the env (set by globalSetup or by hand), else the state file. */
export function serverInfo(): ServerInfo {
  const { WEAVER_E2E_URL: url, WEAVER_E2E_TOKEN: token } = process.env;
  if (url && token) return { url: url.replace(/\/+$/, ''), token };
  if (existsSync(STATE_FILE)) return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as ServerInfo;
  throw new Error('no backend: globalSetup did not run, and WEAVER_E2E_URL / WEAVER_E2E_TOKEN are not set');
}
