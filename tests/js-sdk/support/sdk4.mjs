/**
 * The 4.x SDK's Alpaca client pointed at a local exchange. 4.x has no baseUrl option: its hosts
 * come from `paper`/`sandbox`, so a middleware rewrites Alpaca's hosts to the exchange, as its
 * migration guide suggests for proxies. Client-side rate limiting is off (the exchange's is the test),
 * and so is the per-request timeout: 4.x leaves its 30 s timer running after a body-less answer
 * (DELETE's 204), which would hold node's test process open for 30 s.
 */
import { createRequire } from "node:module";
import { KEY, SECRET } from "./exchange.mjs";

const require = createRequire(import.meta.url);
export const alpaca4Module = require("alpaca4");

const ALPACA_HOST = /^https:\/\/(paper-api|api|data)\.alpaca\.markets/;

export function alpaca4(url) {
  const toExchange = { pre: async ({ url: target, init }) => ({ url: target.replace(ALPACA_HOST, url), init }) };
  return new alpaca4Module.Alpaca({ keyId: KEY, secret: SECRET, paper: true, rateLimit: false, timeoutMs: 0,
    retry: false, middleware: [toExchange] });
}

/** The status and body an SDK 4.x call failed with, for assertion messages. */
export async function describeError4(error) {
  const response = error.response;
  if (!response) return String(error);
  const body = await response.clone().text().catch(() => "");
  return `${response.status} ${response.url} ${body}`;
}
