import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { E2E_DIR } from './server';

/** Processes a spec starts for itself (a second backend, a web process it kills), each its own process group. */
export const REPO = resolve(E2E_DIR, '..', '..');
export const PYTHON = resolve(REPO, '.venv', 'bin', 'python');
export const WEAVER = resolve(REPO, '.venv', 'bin', 'weaver');
export const UI_DIST = resolve(REPO, 'ui', 'dist');

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Start `command` in a process group of its own (so the whole group can be signalled), its stderr (and its
 * stdout, once read) appended to `logFile`. `stdin: 'pipe'` keeps a pipe open that closes when this test
 * process dies, for a child that stops when its stdin ends.
 */
export function spawnGroup(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; logFile: string;
  stdin?: 'pipe' | 'ignore' }): ChildProcess {
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const child = spawn(command, args, { cwd: REPO, detached: true, stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
    env: { ...process.env, PYTHONUNBUFFERED: '1', ...options.env } });
  child.stderr?.pipe(log);
  child.stdout?.on('data', (chunk: Buffer) => log.write(chunk));
  return child;
}

/** The first stdout line matching `pattern`; fails when the child exits or `timeoutMs` passes first. */
export function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number, what: string): Promise<RegExpMatchArray> {
  return new Promise((resolveLine, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const done = (error: Error | null, match?: RegExpMatchArray) => {
      clearTimeout(timer);
      child.removeListener('exit', onExit);
      lines.removeAllListeners('line');
      if (error) reject(error);
      else resolveLine(match!);
    };
    const onExit = (code: number | null) => done(new Error(`${what} exited (code ${code}) before it was ready`));
    const timer = setTimeout(() => done(new Error(`${what} was not ready within ${timeoutMs / 1000} s`)), timeoutMs);
    child.once('exit', onExit);
    lines.on('line', (line) => {
      const match = line.match(pattern);
      if (match) done(null, match);
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Signal a whole process group; false when it is already gone. */
export function signalGroup(pid: number | undefined, signal: NodeJS.Signals): boolean {
  if (!pid) return false;
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM the group's leader and give it `graceMs` to clean up after itself; then SIGKILL the whole group. */
export async function stopGroup(child: ChildProcess | null | undefined, graceMs: number): Promise<void> {
  const pid = child?.pid;
  if (!pid) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch { /* already gone */ }
  const deadline = Date.now() + graceMs;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
  signalGroup(pid, 'SIGKILL');
}
