/**
 * Alpaca's JS SDK 3.1.3 market-data calls against a real `weaver exchange`: bars (single- and
 * multi-symbol, paged), latest bars/trades/quotes, historical quotes and trades, snapshots.
 * Checks what a charting or signal script relies on: time order, OHLC consistency, bid <= ask.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startExchange } from "./support/exchange.mjs";
import { alpaca3 } from "./support/sdk3.mjs";

let exchange;
let alpaca;

before(async () => {
  exchange = await startExchange();
  alpaca = alpaca3(exchange.url);
});
after(async () => exchange?.stop());

const hourAgo = () => new Date(Date.now() - 3600_000).toISOString();
const collect = async (iterable) => { const items = []; for await (const item of iterable) items.push(item); return items; };

function assertBarsInOrderAndConsistent(bars) {
  const times = bars.map((b) => Date.parse(b.Timestamp));
  assert.deepEqual(times, [...times].sort((a, b) => a - b), "bars out of time order");
  assert.equal(new Set(times).size, times.length, "duplicate bar times");
  for (const bar of bars) {
    assert.ok(bar.LowPrice <= Math.min(bar.OpenPrice, bar.ClosePrice), JSON.stringify(bar));
    assert.ok(bar.HighPrice >= Math.max(bar.OpenPrice, bar.ClosePrice), JSON.stringify(bar));
    assert.ok(bar.Volume > 0, JSON.stringify(bar));
  }
}

test("getBarsV2 pages through 25 one-minute AAPL bars, in time order with consistent OHLC", async () => {
  const bars = await collect(alpaca.getBarsV2("AAPL", { start: hourAgo(), timeframe: "1Min", limit: 25,
    pageLimit: 10 }));
  assert.equal(bars.length, 25);
  assertBarsInOrderAndConsistent(bars);
  assert.ok(Date.parse(bars[0].Timestamp) >= Date.parse(hourAgo()) - 60_000);
});

test("getBarsV2 with timeframeUnit builds 5-minute bars whose range covers the 1-minute bars inside", async () => {
  const start = new Date(Math.floor((Date.now() - 3600_000) / 300_000) * 300_000).toISOString();
  const end = new Date(Date.parse(start) + 600_000 - 1).toISOString(); // Alpaca's end is inclusive
  const five = await collect(alpaca.getBarsV2("MSFT", { start, end,
    timeframe: alpaca.newTimeframe(5, alpaca.timeframeUnit.MIN) }));
  const one = await collect(alpaca.getBarsV2("MSFT", { start, end, timeframe: "1Min" }));
  assert.equal(five.length, 2);
  assert.equal(one.length, 10);
  assert.equal(five[0].OpenPrice, one[0].OpenPrice);
  assert.equal(five[0].ClosePrice, one[4].ClosePrice);
  assert.equal(five[0].HighPrice, Math.max(...one.slice(0, 5).map((b) => b.HighPrice)));
  assert.equal(five[0].Volume, one.slice(0, 5).reduce((sum, b) => sum + b.Volume, 0));
});

test("getMultiBarsV2 answers each symbol's bars under its own name", async () => {
  const start = hourAgo();
  const end = new Date(Date.parse(start) + 600_000).toISOString();
  const bars = await alpaca.getMultiBarsV2(["AAPL", "SPY"], { start, end, timeframe: "1Min", pageLimit: 5 });
  assert.deepEqual([...bars.keys()].sort(), ["AAPL", "SPY"]);
  for (const [symbol, list] of bars) {
    assert.ok(list.length >= 10, `${symbol}: ${list.length} bars`);
    assert.ok(list.every((b) => b.Symbol === symbol));
    assertBarsInOrderAndConsistent(list);
  }
});

test("getLatestBar and getLatestBars give each symbol a bar of the last two minutes, with consistent OHLC", async () => {
  const latest = await alpaca.getLatestBar("AAPL");
  assertBarsInOrderAndConsistent([latest]);
  assert.ok(Date.now() - Date.parse(latest.Timestamp) < 120_000, latest.Timestamp);
  const many = await alpaca.getLatestBars(["AAPL", "MSFT"]);
  assert.deepEqual([...many.keys()].sort(), ["AAPL", "MSFT"]);
  assert.equal(many.get("MSFT").Symbol, "MSFT");
  assertBarsInOrderAndConsistent([many.get("MSFT")]);
});

test("getLatestTrade and getLatestTrades give a price within 1 % of the latest bar's close", async () => {
  const trade = await alpaca.getLatestTrade("SPY");
  assert.ok(trade.Price > 0 && trade.Size > 0, JSON.stringify(trade));
  const bar = await alpaca.getLatestBar("SPY");
  assert.ok(Math.abs(trade.Price / bar.ClosePrice - 1) < 0.01, `trade ${trade.Price}, bar close ${bar.ClosePrice}`);
  const trades = await alpaca.getLatestTrades(["SPY", "AAPL"]);
  assert.deepEqual([...trades.keys()].sort(), ["AAPL", "SPY"]);
  assert.ok(trades.get("AAPL").Price > 0);
});

test("getLatestQuote and getLatestQuotes quote a bid below the ask around the last trade", async () => {
  const quote = await alpaca.getLatestQuote("AAPL");
  const trade = await alpaca.getLatestTrade("AAPL");
  assert.ok(quote.BidPrice > 0 && quote.BidPrice <= quote.AskPrice, JSON.stringify(quote));
  assert.ok(Math.abs(quote.AskPrice / trade.Price - 1) < 0.01, `ask ${quote.AskPrice}, trade ${trade.Price}`);
  const quotes = await alpaca.getLatestQuotes(["AAPL", "MSFT"]);
  assert.deepEqual([...quotes.keys()].sort(), ["AAPL", "MSFT"]);
  const msft = quotes.get("MSFT");
  assert.ok(msft.BidPrice <= msft.AskPrice, JSON.stringify(msft));
});

test("getQuotesV2 and getTradesV2 page through a minute of ticks in time order", async () => {
  const minute = Math.floor(Date.now() / 60_000) * 60_000 - 600_000;
  const start = new Date(minute).toISOString();
  const end = new Date(minute + 60_000 - 1).toISOString(); // one whole minute; Alpaca's end is inclusive
  const quotes = await collect(alpaca.getQuotesV2("AAPL", { start, end, limit: 30, pageLimit: 10 }));
  assert.equal(quotes.length, 30);
  const quoteTimes = quotes.map((q) => Date.parse(q.Timestamp));
  assert.deepEqual(quoteTimes, [...quoteTimes].sort((a, b) => a - b));
  assert.ok(quotes.every((q) => q.BidPrice <= q.AskPrice));

  const trades = await collect(alpaca.getTradesV2("AAPL", { start, end }));
  assert.ok(trades.length > 0);
  const tradeTimes = trades.map((t) => Date.parse(t.Timestamp));
  assert.deepEqual(tradeTimes, [...tradeTimes].sort((a, b) => a - b));
  assert.ok(tradeTimes.every((t) => t >= Date.parse(start) && t <= Date.parse(end)));
  const volume = trades.reduce((sum, t) => sum + t.Size, 0);
  const bars = await collect(alpaca.getBarsV2("AAPL", { start, end, timeframe: "1Min" }));
  assert.equal(volume, bars.reduce((sum, b) => sum + b.Volume, 0), "trades' sizes do not add up to the bar volume");
});

test("getMultiQuotesV2 and getMultiTradesV2 answer each symbol's ticks of a past minute under its name", async () => {
  const minute = Math.floor(Date.now() / 60_000) * 60_000 - 900_000;
  const options = () => ({ start: new Date(minute).toISOString(), end: new Date(minute + 59_999).toISOString() });
  const quotes = await alpaca.getMultiQuotesV2(["AAPL", "MSFT"], options());
  const trades = await alpaca.getMultiTradesV2(["AAPL", "MSFT"], options());
  for (const bySymbol of [quotes, trades]) assert.deepEqual([...bySymbol.keys()].sort(), ["AAPL", "MSFT"]);
  assert.ok(quotes.get("MSFT").every((q) => q.Symbol === "MSFT" && q.BidPrice <= q.AskPrice));
  const single = await collect(alpaca.getTradesV2("MSFT", options()));
  assert.deepEqual(trades.get("MSFT").map((t) => [t.Timestamp, t.Price, t.Size]),
    single.map((t) => [t.Timestamp, t.Price, t.Size]));
});

test("getSnapshot and getSnapshots hold the latest trade, quote and bars of each symbol", async () => {
  const snapshot = await alpaca.getSnapshot("AAPL");
  assert.ok(snapshot.LatestTrade.Price > 0, JSON.stringify(snapshot));
  assert.ok(snapshot.LatestQuote.BidPrice <= snapshot.LatestQuote.AskPrice);
  for (const bar of [snapshot.MinuteBar, snapshot.DailyBar, snapshot.PrevDailyBar]) assertBarsInOrderAndConsistent([bar]);
  assert.ok(Date.parse(snapshot.PrevDailyBar.Timestamp) < Date.parse(snapshot.DailyBar.Timestamp));

  const snapshots = await alpaca.getSnapshots(["AAPL", "SPY"]);
  assert.deepEqual(snapshots.map((s) => s.symbol).sort(), ["AAPL", "SPY"]);
  assert.ok(snapshots.every((s) => s.LatestTrade.Price > 0));
});
