/** The 3.1.3 SDK's Alpaca class pointed at a local exchange (trading, data and stream URLs). */
import { createRequire } from "node:module";
import { KEY, SECRET } from "./exchange.mjs";

const require = createRequire(import.meta.url);
const Alpaca = require("@alpacahq/alpaca-trade-api");

export function alpaca3(url) {
  return new Alpaca({ keyId: KEY, secretKey: SECRET, paper: true, baseUrl: url, dataBaseUrl: url,
    dataStreamUrl: url, feed: "iex" });
}

/** The status and body an SDK call failed with, so an assertion message names the exchange's answer. */
export function describeError(error) {
  const response = error.response;
  if (!response) return String(error);
  return `${response.config.method.toUpperCase()} ${response.config.url} -> ${response.status} ${JSON.stringify(response.data)}`;
}
