/**
 * The JS SDK 3.1.3 calls the other 3.1.3 files leave out, against a real `weaver exchange`: the crypto
 * order book (getCryptoOrderbooks), the async-generator forms of the multi-symbol readers
 * (getMulti{Bars,Trades,Quotes}AsyncV2, which must give what their collecting forms give), getNews and
 * the crypto market-data stream (crypto_stream_v1beta3).
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

/** A whole past minute (ticks and bars of it are final), as ISO strings. */
function pastMinute() {
  const start = Math.floor(Date.now() / 60_000) * 60_000 - 120_000;
  return { start: new Date(start).toISOString(), end: new Date(start + 59_999).toISOString() };
}

async function collect(generator) {
  const items = [];
  for await (const item of generator) items.push(item);
  return items;
}

test("getCryptoOrderbooks gives BTC/USD a book: bids falling, asks rising, bid below ask near the last trade", async () => {
  const book = (await alpaca.getCryptoOrderbooks(["BTC/USD"])).get("BTC/USD");
  const last = (await alpaca.getLatestCryptoTrades(["BTC/USD"])).get("BTC/USD").Price;
  assert.ok(book.Bids.length > 0 && book.Asks.length > 0, JSON.stringify(book));
  const bids = book.Bids.map((b) => b.Price);
  const asks = book.Asks.map((a) => a.Price);
  assert.deepEqual(bids, [...bids].sort((a, b) => b - a));
  assert.deepEqual(asks, [...asks].sort((a, b) => a - b));
  assert.ok(bids[0] < asks[0], `bid ${bids[0]}, ask ${asks[0]}`);
  assert.ok([...book.Bids, ...book.Asks].every((level) => level.Size > 0));
  assert.ok(Math.abs(bids[0] / last - 1) < 0.01 && Math.abs(asks[0] / last - 1) < 0.01, `${bids[0]}/${asks[0]} vs ${last}`);
});

test("getMultiBarsAsyncV2 yields the bars getMultiBarsV2 collects, each under its symbol", async () => {
  const options = { ...pastMinute(), timeframe: alpaca.newTimeframe(1, alpaca.timeframeUnit.MIN) };
  const streamed = await collect(alpaca.getMultiBarsAsyncV2(["AAPL", "MSFT"], { ...options }));
  const collected = await alpaca.getMultiBarsV2(["AAPL", "MSFT"], { ...options });
  const key = (b) => [b.Symbol, b.Timestamp, b.OpenPrice, b.ClosePrice, b.Volume];
  assert.deepEqual(streamed.map((b) => b.Symbol).sort(), ["AAPL", "MSFT"]);
  assert.deepEqual(streamed.map(key), ["AAPL", "MSFT"].flatMap((s) => collected.get(s).map(key)));
});

test("getMultiTradesAsyncV2 and getMultiQuotesAsyncV2 yield a past minute's ticks as the collecting forms do", async () => {
  const options = pastMinute();
  const trades = await collect(alpaca.getMultiTradesAsyncV2(["AAPL", "SPY"], { ...options }));
  const quotes = await collect(alpaca.getMultiQuotesAsyncV2(["AAPL", "SPY"], { ...options }));
  const tradesBySymbol = await alpaca.getMultiTradesV2(["AAPL", "SPY"], { ...options });
  const quotesBySymbol = await alpaca.getMultiQuotesV2(["AAPL", "SPY"], { ...options });
  for (const symbol of ["AAPL", "SPY"]) {
    const mine = trades.filter((t) => t.Symbol === symbol);
    assert.ok(mine.length > 0, `${symbol} traded in the minute`);
    assert.deepEqual(mine.map((t) => [t.ID, t.Price, t.Size]), tradesBySymbol.get(symbol).map((t) => [t.ID, t.Price, t.Size]));
    const theirQuotes = quotes.filter((q) => q.Symbol === symbol);
    assert.deepEqual(theirQuotes.map((q) => [q.Timestamp, q.BidPrice, q.AskPrice]),
      quotesBySymbol.get(symbol).map((q) => [q.Timestamp, q.BidPrice, q.AskPrice]));
    assert.ok(theirQuotes.every((q) => q.BidPrice < q.AskPrice));
  }
});

test("getNews answers an empty list (the exchange has no news)", async () => {
  assert.deepEqual(await alpaca.getNews({ symbols: ["AAPL"] }), []);
});

test("crypto_stream_v1beta3 delivers BTC/USD trades and bars once subscribed", async () => {
  const socket = alpaca3(exchange.url).crypto_stream_v1beta3;
  socket.session.url = `${exchange.url.replace(/^http/, "ws")}/v1beta3/crypto/us`;  // the SDK would build wss://
  const connected = new Promise((resolve) => socket.onConnect(resolve));
  const errors = [];
  socket.onError((error) => errors.push(error));
  const trades = [];
  const bars = [];
  const enough = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${trades.length} trades, ${bars.length} bars in 10 s`)), 10_000);
    const check = () => { if (trades.length >= 2 && bars.length >= 1) { clearTimeout(timer); resolve(); } };
    socket.onCryptoTrade((trade) => { trades.push(trade); check(); });
    socket.onCryptoBar((bar) => { bars.push(bar); check(); });
  });
  socket.connect();
  try {
    await connected;
    socket.subscribeForTrades(["BTC/USD"]);
    socket.subscribeForBars(["BTC/USD"]);
    await enough;
    for (const trade of trades) {
      assert.equal(trade.Symbol, "BTC/USD");
      assert.ok(trade.Price > 0 && trade.Size > 0, JSON.stringify(trade));
    }
    const bar = bars[0];
    assert.equal(bar.S, "BTC/USD");  // 3.1.3's crypto bar mapping leaves the symbol under "S"
    assert.ok(bar.Low <= Math.min(bar.Open, bar.Close) && bar.High >= Math.max(bar.Open, bar.Close), JSON.stringify(bar));
    assert.deepEqual(socket.getSubscriptions().trades, ["BTC/USD"]);
    assert.deepEqual(errors, []);
  } finally {
    socket.disconnect();
  }
});
