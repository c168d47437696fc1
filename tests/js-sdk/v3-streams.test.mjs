/**
 * Alpaca's JS SDK 3.1.3 WebSockets against a real `weaver exchange`: the trade_updates stream
 * (alpaca.trade_ws) reports an order's new and fill events, and the market-data stream
 * (alpaca.data_stream_v2) delivers subscribed bars, trades and quotes as they happen.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startExchange } from "./support/exchange.mjs";
import { alpaca3 } from "./support/sdk3.mjs";

let exchange;
let alpaca;

before(async () => {
  exchange = await startExchange({ args: ["--volume-share", "0.01"] });  // large orders fill in parts at any hour, affordably
  alpaca = alpaca3(exchange.url);
});
after(async () => exchange?.stop());

/** Resolve with the first `count` values `subscribe` hands to its callback, or fail after `ms`. */
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

test("trade_ws reports a market order's new event, then fills adding up to it (the order filled at their VWAP)", async () => {
  const socket = alpaca3(exchange.url).trade_ws; // a client of its own: a socket is not reused
  const connected = new Promise((resolve) => socket.onConnect(resolve));
  const updates = [];
  const filled = firstEvents((push) => socket.onOrderUpdate((update) => {
    updates.push(update);
    if (update.event === "fill") push(update);
  }), 1);
  socket.connect();
  try {
    await connected;
    const listening = new Promise((resolve) => socket.conn.on("message", (data) => {
      if (JSON.parse(data).stream === "listening") resolve(); // the SDK only logs this reply
    }));
    socket.subscribe(["trade_updates"]);
    await listening;
    const order = await alpaca.createOrder({ symbol: "AAPL", qty: 3, side: "buy", type: "market",
      time_in_force: "day" });
    const [fill] = await filled;
    assert.equal(fill.order.id, order.id);
    assert.equal(fill.order.status, "filled");
    assert.equal(Number(fill.order.filled_qty), 3);
    assert.equal(Number(fill.position_qty), 3);
    const stored = await alpaca.getOrder(order.id);
    assert.equal(fill.order.filled_avg_price, stored.filled_avg_price);
    const ofOrder = updates.filter((u) => u.order.id === order.id);
    const events = ofOrder.map((u) => u.event);
    assert.equal(events[0], "new");
    assert.equal(events.at(-1), "fill");
    assert.ok(events.slice(1, -1).every((e) => e === "partial_fill"), events.join(","));
    const fills = ofOrder.slice(1); // a thin bar may fill even 3 shares in parts
    assert.equal(fills.reduce((sum, u) => sum + Number(u.qty), 0), 3);
    const vwap = fills.reduce((sum, u) => sum + Number(u.qty) * Number(u.price), 0) / 3;
    assert.ok(Math.abs(vwap - Number(stored.filled_avg_price)) < 0.005, `${vwap} vs ${stored.filled_avg_price}`);
  } finally {
    socket.disconnect();
  }
});

test("trade_ws: an order larger than a bar's volume share fills in parts, averaging to filled_avg_price", async () => {
  const socket = alpaca3(exchange.url).trade_ws; // a client of its own: a socket is not reused
  const connected = new Promise((resolve) => socket.onConnect(resolve));
  const fills = [];
  const done = firstEvents((push) => socket.onOrderUpdate((update) => {
    if (update.event === "partial_fill" || update.event === "fill") fills.push(update);
    if (update.event === "fill") push(update);
  }), 1, 30_000);
  socket.connect();
  try {
    await connected;
    const listening = new Promise((resolve) => socket.conn.on("message", (data) => {
      if (JSON.parse(data).stream === "listening") resolve();
    }));
    socket.subscribe(["trade_updates"]);
    await listening;
    // about six one-second bars' worth of the 1 % volume share, whatever the hour's volume
    const minutes = [];
    const start = new Date(Date.now() - 300_000).toISOString();
    for await (const bar of alpaca.getBarsV2("MSFT", { start, timeframe: "1Min" })) minutes.push(bar);
    const perSecond = minutes.reduce((sum, b) => sum + b.Volume, 0) / (minutes.length * 60);
    const qty = Math.max(6, Math.ceil(perSecond * 0.01 * 6));
    const order = await alpaca.createOrder({ symbol: "MSFT", qty, side: "buy", type: "market", time_in_force: "day" });
    await done;
    const ofOrder = fills.filter((u) => u.order.id === order.id);
    assert.ok(ofOrder.some((u) => u.event === "partial_fill"), `one fill for ${qty} shares`);
    assert.equal(ofOrder.at(-1).event, "fill");
    const filledQty = ofOrder.reduce((sum, u) => sum + Number(u.qty), 0);
    const value = ofOrder.reduce((sum, u) => sum + Number(u.qty) * Number(u.price), 0);
    assert.equal(filledQty, qty);
    assert.equal(Number(ofOrder.at(-1).position_qty), qty);
    const stored = await alpaca.getOrder(order.id);
    assert.equal(Number(stored.filled_qty), qty);
    assert.ok(Math.abs(value / qty - Number(stored.filled_avg_price)) < 0.01,
      `VWAP of fills ${value / qty}, filled_avg_price ${stored.filled_avg_price}`);
  } finally {
    socket.disconnect();
  }
});

test("data_stream_v2 delivers AAPL trades, quotes and bars (in time order, consistent OHLC) once subscribed", async () => {
  const socket = alpaca3(exchange.url).data_stream_v2;
  // The SDK builds "wss" + the URL after its scheme: a plain-HTTP local exchange needs ws://.
  socket.session.url = `${exchange.url.replace(/^http/, "ws")}/v2/iex`;
  const connected = new Promise((resolve) => socket.onConnect(resolve));
  const errors = [];
  socket.onError((error) => errors.push(error));
  const trades = firstEvents((push) => socket.onStockTrade(push), 3);
  const quotes = firstEvents((push) => socket.onStockQuote(push), 3);
  const bars = firstEvents((push) => socket.onStockBar(push), 2);
  socket.connect();
  try {
    await connected;
    socket.subscribeForTrades(["AAPL"]);
    socket.subscribeForQuotes(["AAPL"]);
    socket.subscribeForBars(["AAPL"]);
    const [t1, t2, t3] = await trades;
    for (const trade of [t1, t2, t3]) {
      assert.equal(trade.Symbol, "AAPL");
      assert.ok(trade.Price > 0 && trade.Size > 0, JSON.stringify(trade));
    }
    assert.ok(Date.parse(t1.Timestamp) <= Date.parse(t3.Timestamp));
    for (const quote of await quotes) {
      assert.equal(quote.Symbol, "AAPL");
      assert.ok(quote.BidPrice <= quote.AskPrice, JSON.stringify(quote));
    }
    const [b1, b2] = await bars;
    assert.ok(Date.parse(b1.Timestamp) < Date.parse(b2.Timestamp), `${b1.Timestamp} then ${b2.Timestamp}`);
    for (const bar of [b1, b2]) {
      assert.equal(bar.Symbol, "AAPL");
      assert.ok(bar.LowPrice <= Math.min(bar.OpenPrice, bar.ClosePrice), JSON.stringify(bar));
      assert.ok(bar.HighPrice >= Math.max(bar.OpenPrice, bar.ClosePrice), JSON.stringify(bar));
    }
    assert.deepEqual(socket.getSubscriptions().trades, ["AAPL"]);
    assert.deepEqual(errors, []);
  } finally {
    socket.disconnect();
  }
});
