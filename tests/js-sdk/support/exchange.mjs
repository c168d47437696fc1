/**
 * Starts a real `weaver exchange` for one test file and stops it afterwards, so the SDK talks to
 * the same process a user would run (no mocks). The URL is read from the line the CLI prints.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { appendFileSync } from "node:fs";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const python = path.join(repoRoot, ".venv", "bin", "python");

export const KEY = "PAPERKEY";
export const SECRET = "PAPERSECRET";

/**
 * Launch the exchange with 1-second bars, by default on a 24/7 market (the tests trade at any hour
 * of the day); resolves to { url, adminToken, stop }.
 */
export function startExchange({ hours = "always", args: extra = [] } = {}) {
  const args = ["-c", "from app.cli import main; main()", "exchange", "--port", "0",
    "--bar-seconds", "1", "--hours", hours, ...extra];
  const child = spawn(python, args, { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`exchange did not start in 30 s:\n${output}`)), 30_000);
    function fail(error) {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(error);
    }
    child.on("exit", (code) => fail(new Error(`exchange exited with ${code}:\n${output}`)));
    child.stderr.on("data", (chunk) => { output += chunk; });
    child.stdout.on("data", (chunk) => {
      output += chunk;
      const url = output.match(/listening on (http:\/\/[\d.]+:\d+)/);
      const token = output.match(/admin token: (\w+)/);
      if (!url || !token) return;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      resolve({ url: url[1], adminToken: token[1], stop: () => stop(child).then(() => keepLog(output)) });
    });
  });
}

/** With JS_SDK_EXCHANGE_LOG=FILE, the exchange's output (tracebacks of a 500) is appended there. */
function keepLog(output) {
  if (process.env.JS_SDK_EXCHANGE_LOG) appendFileSync(process.env.JS_SDK_EXCHANGE_LOG, output);
}

function stop(child) {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", resolve);
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
  });
}

/** Poll `read` until `done(value)` holds; the exchange fills on its own bar clock, not at once. */
export async function waitFor(read, done, { timeoutMs = 10_000, everyMs = 100 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value)) {
    if (Date.now() > deadline) throw new Error(`timed out; last value: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, everyMs));
    value = await read();
  }
  return value;
}
