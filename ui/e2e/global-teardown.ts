import { existsSync, readFileSync, rmSync } from 'node:fs';
import { STATE_FILE, type ServerInfo } from './server';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stop the launcher we started (its whole process group: web, workers), SIGTERM first. */
export default async function globalTeardown(): Promise<void> {
  if (!existsSync(STATE_FILE)) return;
  const info = JSON.parse(readFileSync(STATE_FILE, 'utf8')) as ServerInfo;
  rmSync(STATE_FILE);
  if (!info.pid) return; // a server we did not start
  const pid = info.pid;
  const signal = (target: number, sig: NodeJS.Signals) => {
    try {
      process.kill(target, sig);
    } catch { /* already gone */ }
  };
  const waitFor = async (ms: number) => {
    const deadline = Date.now() + ms;
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
  };
  // The launcher stops its own children and drops its database on SIGTERM: give it time to.
  signal(pid, 'SIGTERM');
  await waitFor(30_000);
  // Whatever is left of its process group (started detached, so the group is ours alone).
  signal(-pid, 'SIGTERM');
  await new Promise((r) => setTimeout(r, 1000));
  signal(-pid, 'SIGKILL');
}
