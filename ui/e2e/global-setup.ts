import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { E2E_DIR, SCREENSHOTS, STATE_DIR, STATE_FILE, type ServerInfo } from './server';

const UI_DIR = resolve(E2E_DIR, '..');
const REPO_ROOT = resolve(UI_DIR, '..');
const START_TIMEOUT_MS = Number(process.env.WEAVER_E2E_START_TIMEOUT_MS ?? 240_000);

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** The backend serves ui/dist: build it when it is missing or older than the sources. */
function ensureBuild(): void {
  const index = join(UI_DIR, 'dist', 'index.html');
  const stale = !existsSync(index) || statSync(index).mtimeMs < newestMtime(join(UI_DIR, 'src'));
  if (!stale || process.env.HARO_E2E_SKIP_BUILD === '1') return;
  console.log('[e2e] building ui/dist …');
  const result = spawnSync('npm', ['run', 'build'], { cwd: UI_DIR, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('npm run build failed');
}

function serveCommand(): string[] {
  const custom = process.env.WEAVER_E2E_SERVE_CMD;
  if (custom) return ['bash', '-c', custom];
  return [join(REPO_ROOT, '.venv', 'bin', 'python'), '-m', 'tests.e2e.serve'];
}

/** Start the launcher and wait for its one JSON line: {"url": "...", "token": "..."}. */
function startServer(): Promise<ServerInfo> {
  const [command, ...args] = serveCommand();
  const log = createWriteStream(join(STATE_DIR, 'serve.log'));
  const child = spawn(command!, args, { cwd: REPO_ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PYTHONUNBUFFERED: '1' } });
  child.stderr.pipe(log);
  return new Promise<ServerInfo>((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      fail(new Error(`the launcher printed no {"url","token"} line within ${START_TIMEOUT_MS / 1000} s (see e2e/.state/serve.log)`));
    }, START_TIMEOUT_MS);
    const fail = (error: Error) => {
      clearTimeout(timer);
      try {
        if (child.pid) process.kill(-child.pid, 'SIGTERM');
      } catch { /* already gone */ }
      reject(error);
    };
    child.on('error', (error) => fail(error));
    child.on('exit', (code) => fail(new Error(`the launcher exited (code ${code}) before it was ready; see e2e/.state/serve.log`)));
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      log.write(`[stdout] ${line}\n`);
      const text = line.trim();
      if (!text.startsWith('{')) return;
      try {
        const info = JSON.parse(text) as Partial<ServerInfo>;
        if (typeof info.url === 'string' && typeof info.token === 'string') {
          clearTimeout(timer);
          child.removeAllListeners('exit');
          child.stdout.resume(); // keep draining so the launcher never blocks on a full pipe
          child.unref();
          resolvePromise({ url: info.url.replace(/\/+$/, ''), token: info.token, pid: child.pid });
        }
      } catch { /* a log line that happens to start with { */ }
    });
  });
}

async function waitHealthy(info: ServerInfo): Promise<void> {
  const deadline = Date.now() + 60_000;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${info.url}/api/v1/health`, { headers: { Authorization: `Bearer ${info.token}` } });
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the backend at ${info.url} never answered /api/v1/health (${last})`);
}

export default async function globalSetup(): Promise<void> {
  mkdirSync(STATE_DIR, { recursive: true });
  mkdirSync(SCREENSHOTS, { recursive: true });
  let info: ServerInfo;
  if (process.env.WEAVER_E2E_URL && process.env.WEAVER_E2E_TOKEN) {
    info = { url: process.env.WEAVER_E2E_URL.replace(/\/+$/, ''), token: process.env.WEAVER_E2E_TOKEN };
  } else {
    ensureBuild();
    info = await startServer();
    console.log(`[e2e] backend at ${info.url} (launcher pid ${info.pid})`);
  }
  writeFileSync(STATE_FILE, JSON.stringify(info));
  process.env.WEAVER_E2E_URL = info.url;
  process.env.WEAVER_E2E_TOKEN = info.token;
  await waitHealthy(info);
}
