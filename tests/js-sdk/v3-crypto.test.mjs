/**
 * Alpaca's JS SDK 3.1.3 crypto calls against a real `weaver exchange` (BTC/USD, traded 24/7):
 * bars, trades, quotes, latest values and snapshots under /v1beta3/crypto/us, and a fractional order.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startExchange, waitFor } from "./support/exchange.mjs";
import { alpaca3 } from "./support/sdk3.mjs";

let exchange;
let alpaca;

before(async () => {
  exchange = await startExchange();
  alpaca = alpaca3(exchange.url);
});
after(async () => exchange?.stop());

const tenMinutesAgo = () => new Date(Date.now() - 600_000).toISOString();

test("getCryptoBars gives BTC/USD minute bars in time order with consistent OHLC", async () => {
  const bars = (await alpaca.getCryptoBars(["BTC/USD"], { timeframe: "1Min", start: tenMinutesAgo() })).get("BTC/USD");
  assert.ok(bars.length >= 9, `${bars.length} bars`);
  const times = bars.map((b) => Date.parse(b.Timestamp));
  assert.deepEqual(times, [...times].sort((a, b) => a - b));
  for (const bar of bars) assert.ok(bar.Low <= Math.min(bar.Open, bar.Close) && bar.High >= Math.max(bar.Open, bar.Close));
});

test("getCryptoTrades and getCryptoQuotes: ticks in time order, bid <= ask", async () => {
  const trades = (await alpaca.getCryptoTrades(["BTC/USD"], { start: tenMinutesAgo(), limit: 50 })).get("BTC/USD");
  const quotes = (await alpaca.getCryptoQuotes(["BTC/USD"], { start: tenMinutesAgo(), limit: 50 })).get("BTC/USD");
  assert.equal(trades.length, 50);
  assert.equal(quotes.length, 50);
  const times = trades.map((t) => Date.parse(t.Timestamp));
  assert.deepEqual(times, [...times].sort((a, b) => a - b));
  assert.ok(quotes.every((q) => q.BidPrice <= q.AskPrice));
});

test("latest crypto trade, quote and bar, and the snapshot, agree within 1 %", async () => {
  const trade = (await alpaca.getLatestCryptoTrades(["BTC/USD"])).get("BTC/USD");
  const quote = (await alpaca.getLatestCryptoQuotes(["BTC/USD"])).get("BTC/USD");
  const bar = (await alpaca.getLatestCryptoBars(["BTC/USD"])).get("BTC/USD");
  const snapshot = (await alpaca.getCryptoSnapshots(["BTC/USD"])).get("BTC/USD");
  assert.ok(quote.BidPrice <= quote.AskPrice);
  for (const price of [quote.AskPrice, bar.Close, snapshot.LatestTrade.Price]) {
    assert.ok(Math.abs(price / trade.Price - 1) < 0.01, `${price} vs ${trade.Price}`);
  }
});

test("a fractional BTC/USD market buy fills and shows as a BTCUSD crypto position; day orders are refused", async () => {
  const order = await alpaca.createOrder({ symbol: "BTC/USD", qty: "0.0123", side: "buy", type: "market",
    time_in_force: "gtc" });
  const filled = await waitFor(() => alpaca.getOrder(order.id), (o) => o.status === "filled");
  assert.equal(Number(filled.filled_qty), 0.0123);
  const position = await alpaca.getPosition("BTCUSD");
  assert.equal(position.asset_class, "crypto");
  // Alpaca takes a buy's fee in the coin: 25 bps (taker) of 0.0123, to 1e-9 per fill
  assert.ok(Math.abs(Number(position.qty) - 0.01226925) < 2e-9, position.qty);
  await assert.rejects(alpaca.createOrder({ symbol: "BTC/USD", qty: "0.01", side: "buy", type: "market",
    time_in_force: "day" }), (e) => e.response?.status === 422);
});
