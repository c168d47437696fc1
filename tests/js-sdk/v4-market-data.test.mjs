/**
 * Alpaca's JS SDK 4.x market data against a real `weaver exchange`: the ergonomic, auto-paging
 * readers (getStockBarsFor, getStockBars, getStockQuotesFor, getStockTradesFor, getLatestPrice),
 * the generated latest/snapshot calls, and the stock data and trade-update streams.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startExchange, waitFor } from "./support/exchange.mjs";
import { alpaca4 } from "./support/sdk4.mjs";

let exchange;
let alpaca;
let marketData;

before(async () => {
  exchange = await startExchange();
  alpaca = alpaca4(exchange.url);
  marketData = alpaca.marketData;
});
after(async () => exchange?.stop());

/** The start of the minute `n` minutes ago, or of the 5-minute block `n` minutes ago with `every = 5`. */
const minutesAgo = (n, every = 1) => new Date(Math.floor((Date.now() - n * 60_000) / (every * 60_000)) * every * 60_000);

function assertBars(bars) {
  const times = bars.map((b) => b.timestamp.getTime());
  assert.deepEqual(times, [...times].sort((a, b) => a - b), "bars out of time order");
  assert.equal(new Set(times).size, times.length, "duplicate bar times");
  for (const bar of bars) {
    assert.ok(bar.low <= Math.min(bar.open, bar.close) && bar.high >= Math.max(bar.open, bar.close),
      JSON.stringify(bar));
  }
}

test("getStockBarsFor follows the pages (10 a page) to 25 one-minute bars in time order with consistent OHLC", async () => {
  const start = minutesAgo(60);
  const end = new Date(start.getTime() + 25 * 60_000 - 1); // Alpaca's end is inclusive
  const bars = await marketData.getStockBarsFor("AAPL", { timeframe: "1Min", start, end, limit: 10 });
  assert.equal(bars.length, 25);
  assertBars(bars);
  assert.equal(bars[0].timestamp.getTime(), start.getTime());
});

test("getStockBars answers each symbol's bars under its own name; 5Min bars sum five 1Min bars", async () => {
  const start = minutesAgo(30, 5);
  const end = new Date(start.getTime() + 600_000 - 1);
  const bySymbol = await marketData.getStockBars({ symbols: ["AAPL", "SPY"], timeframe: "1Min", start, end });
  assert.deepEqual(Object.keys(bySymbol).sort(), ["AAPL", "SPY"]);
  assert.equal(bySymbol.SPY.length, 10);
  assertBars(bySymbol.SPY);
  const five = await marketData.getStockBarsFor("SPY", { timeframe: "5Min", start, end });
  assert.equal(five.length, 2);
  assert.equal(five[0].open, bySymbol.SPY[0].open);
  assert.equal(five[0].close, bySymbol.SPY[4].close);
  assert.equal(five[0].volume, bySymbol.SPY.slice(0, 5).reduce((sum, b) => sum + b.volume, 0));
});

test("quotes and trades of one past minute: paged = unpaged, bid <= ask, trades in time order summing to the bar's volume", async () => {
  const start = minutesAgo(10);
  const end = new Date(start.getTime() + 60_000 - 1);
  const quotes = await marketData.getStockQuotesFor("AAPL", { start, end, limit: 10000 });
  const paged = await marketData.getStockQuotesFor("AAPL", { start, end, limit: 20 }); // 4.x: limit is a page
  assert.ok(quotes.length > 20, `${quotes.length} quotes`);
  assert.deepEqual(paged.map((q) => q.timestamp.getTime()), quotes.map((q) => q.timestamp.getTime()));
  assert.ok(quotes.every((q) => q.bidPrice <= q.askPrice));
  const trades = await marketData.getStockTradesFor("AAPL", { start, end });
  const times = trades.map((t) => t.timestamp.getTime());
  assert.deepEqual(times, [...times].sort((a, b) => a - b));
  const [bar] = await marketData.getStockBarsFor("AAPL", { timeframe: "1Min", start, end });
  assert.equal(trades.reduce((sum, t) => sum + t.size, 0), bar.volume);
});

test("latest bar, trade and quote (single and multi) and getLatestPrice agree within 1 %", async () => {
  const stocks = marketData.stocks;
  const price = await marketData.getLatestPrice("MSFT");
  const { trade } = await stocks.stockLatestTradeSingle({ symbol: "MSFT" });
  const { quote } = await stocks.stockLatestQuoteSingle({ symbol: "MSFT" });
  const { bar } = await stocks.stockLatestBarSingle({ symbol: "MSFT" });
  assert.ok(quote.bp <= quote.ap, JSON.stringify(quote));
  for (const other of [trade.p, quote.ap, bar.c]) assert.ok(Math.abs(other / price - 1) < 0.01, `${other} vs ${price}`);
  const { trades } = await stocks.stockLatestTrades({ symbols: "AAPL,MSFT" });
  const { quotes } = await stocks.stockLatestQuotes({ symbols: "AAPL,MSFT" });
  const { bars } = await stocks.stockLatestBars({ symbols: "AAPL,MSFT" });
  for (const map of [trades, quotes, bars]) assert.deepEqual(Object.keys(map).sort(), ["AAPL", "MSFT"]);
});

test("snapshots hold each symbol's latest trade and quote and its daily bars in order", async () => {
  const snapshot = await marketData.stocks.stockSnapshotSingle({ symbol: "AAPL" });
  assert.ok(snapshot.latestTrade.p > 0);
  assert.ok(snapshot.latestQuote.bp <= snapshot.latestQuote.ap);
  assert.ok(snapshot.prevDailyBar.t < snapshot.dailyBar.t);
  const snapshots = await marketData.stocks.stockSnapshots({ symbols: "AAPL,SPY" });
  assert.deepEqual(Object.keys(snapshots).sort(), ["AAPL", "SPY"]);
});

/** Resolve with the first `count` values a stream hands to its callback, or fail after `ms`. */
function firstEvents(subscribe, count, ms = 10_000) {
  return new Promise((resolve, reject) => {
    const seen = [];
    const timer = setTimeout(() => reject(new Error(`${seen.length} of ${count} events in ${ms} ms`)), ms);
    subscribe((value) => {
      seen.push(value);
      if (seen.length === count) { clearTimeout(timer); resolve(seen); }
    });
  });
}

test("trading.stream reports a market order's fill, with the order filled in full at its average price", async () => {
  const stream = alpaca.trading.stream({ url: `${exchange.url.replace(/^http/, "ws")}/stream`, reconnect: false });
  const fill = firstEvents((push) => stream.onTradeUpdate((u) => u.event === "fill" && push(u)), 1);
  const connected = new Promise((resolve) => stream.onConnect(resolve));
  stream.connect();
  try {
    await connected;
    const listening = new Promise((resolve) => stream.once("subscription", resolve));
    stream.subscribeTradeUpdates();
    assert.deepEqual(await listening, ["trade_updates"]);
    const order = await alpaca.trading.orders.market({ symbol: "AAPL", qty: 2, side: "buy" });
    const [update] = await fill;
    assert.equal(update.order.id, order.id);
    assert.equal(Number(update.order.filledQty), 2); // the fill event's own qty is its last part's
    assert.equal(Number(update.positionQty), 2);
    const stored = await alpaca.trading.orders.getOrderByOrderID({ orderId: order.id });
    assert.equal(Number(update.order.filledAvgPrice), Number(stored.filledAvgPrice));
  } finally {
    stream.disconnect();
  }
});

test("trading.submitAndWait returns the order once the stream reports it filled", async () => {
  const stream = alpaca.trading.stream({ url: `${exchange.url.replace(/^http/, "ws")}/stream`, reconnect: false });
  stream.connect(); // submitAndWait connects only a stream it opens itself
  try {
    const order = await alpaca.trading.submitAndWait({ type: "market", symbol: "SPY", qty: 3, side: "buy" },
      { stream, timeoutMs: 15_000 });
    assert.equal(order.status, "filled");
    assert.equal(Number(order.filledQty), 3);
    const position = await alpaca.trading.positions.getOpenPosition({ symbolOrAssetId: "SPY" });
    assert.equal(Number(position.qty), 3);
  } finally {
    stream.disconnect();
  }
});

test("marketData.stockStream delivers AAPL trades, quotes and bars once subscribed", async () => {
  const stream = marketData.stockStream({ url: `${exchange.url.replace(/^http/, "ws")}/v2/iex`, reconnect: false });
  const trades = firstEvents((push) => stream.onTrade(push), 3);
  const quotes = firstEvents((push) => stream.onQuote(push), 3);
  const bars = firstEvents((push) => stream.onBar(push), 2);
  stream.onConnect(() => {
    stream.subscribeForTrades(["AAPL"]);
    stream.subscribeForQuotes(["AAPL"]);
    stream.subscribeForBars(["AAPL"]);
  });
  stream.connect();
  try {
    for (const trade of await trades) assert.ok(trade.symbol === "AAPL" && trade.price > 0, JSON.stringify(trade));
    for (const quote of await quotes) assert.ok(quote.bidPrice <= quote.askPrice, JSON.stringify(quote));
    const received = await bars;
    assert.ok(received.every((b) => b.symbol === "AAPL"));
    assertBars(received);
  } finally {
    stream.disconnect();
  }
});

test("crypto readers (loc us) give BTC/USD bars, trades and quotes of the last ten minutes in order", async () => {
  const start = new Date(Date.now() - 600_000);
  const bars = await marketData.getCryptoBarsFor("BTC/USD", { loc: "us", timeframe: "1Min", start });
  assert.ok(bars.length >= 9, `${bars.length} bars`);
  assertBars(bars);
  const trades = await marketData.getCryptoTradesFor("BTC/USD", { loc: "us", start, limit: 100 });
  const times = trades.map((t) => t.timestamp.getTime());
  assert.deepEqual(times, [...times].sort((a, b) => a - b));
  const quotes = await marketData.getCryptoQuotesFor("BTC/USD", { loc: "us", start, limit: 100 });
  assert.ok(quotes.length > 0 && quotes.every((q) => q.bidPrice <= q.askPrice));
});

test("a fractional BTC/USD market buy fills and reads back as a BTCUSD crypto position", async () => {
  const order = await alpaca.trading.orders.market({ symbol: "BTC/USD", qty: "0.0123", side: "buy", timeInForce: "gtc" });
  const filled = await waitFor(() => alpaca.trading.orders.getOrderByOrderID({ orderId: order.id }),
    (o) => o.status === "filled");
  assert.equal(Number(filled.filledQty), 0.0123);
  const position = await alpaca.trading.positions.getOpenPosition({ symbolOrAssetId: "BTCUSD" });
  assert.equal(position.assetClass, "crypto");
  // Alpaca takes a buy's fee in the coin: 25 bps (taker) of 0.0123, to 1e-9 per fill
  assert.ok(Math.abs(Number(position.qty) - 0.01226925) < 2e-9, position.qty);
});
