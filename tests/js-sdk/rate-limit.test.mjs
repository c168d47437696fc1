/**
 * `weaver exchange --rate-limit 5` as both SDK lines meet it: Alpaca's X-RateLimit-* headers on
 * every answer, then a 429 that 3.1.3 surfaces as an axios error and 4.x as its RateLimitError.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startExchange } from "./support/exchange.mjs";
import { alpaca3 } from "./support/sdk3.mjs";
import { alpaca4, alpaca4Module } from "./support/sdk4.mjs";

let exchange;

before(async () => { exchange = await startExchange({ args: ["--rate-limit", "5"] }); });
after(async () => exchange?.stop());

test("3.1.3: five requests count down X-RateLimit-Remaining, the sixth is a 429 with the reset time", async () => {
  const alpaca = alpaca3(exchange.url);
  const remaining = [];
  for (let i = 0; i < 5; i++) {
    const response = await alpaca.httpRequest("/clock");
    assert.equal(response.headers["x-ratelimit-limit"], "5");
    remaining.push(Number(response.headers["x-ratelimit-remaining"]));
  }
  assert.deepEqual(remaining, [4, 3, 2, 1, 0]);
  await assert.rejects(alpaca.getClock(), (error) => {
    assert.equal(error.response.status, 429);
    const reset = Number(error.response.headers["x-ratelimit-reset"]);
    assert.ok(reset * 1000 > Date.now() && reset * 1000 <= Date.now() + 61_000, `reset ${reset}`);
    return true;
  });
});

test("4.x: the next request, over the limit for the same key, throws RateLimitError with the limit parsed", async () => {
  const alpaca = alpaca4(exchange.url);
  await assert.rejects(alpaca.trading.account.getAccount(), (error) => {
    assert.ok(error instanceof alpaca4Module.RateLimitError, error.constructor.name);
    assert.equal(error.status, 429);
    assert.equal(error.rateLimit.limit, 5);
    assert.equal(error.rateLimit.remaining, 0);
    return true;
  });
});
