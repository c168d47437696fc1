/**
 * Alpaca's JS SDK 3.1.3 against a real `weaver exchange`: account, clock, calendar, assets,
 * every order type it can send, positions, activities, portfolio history, configurations and
 * watchlists. Each test checks what a user would look at (status, fill price, quantities).
 */
import { after, before, describe, test } from "node:test";
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

const filled = (order) => order.status === "filled";
const waitFilled = (id) => waitFor(() => alpaca.getOrder(id), filled);
const lastPrice = async (symbol) => Number((await alpaca.getLatestTrade(symbol)).Price);

describe("account, clock, calendar, assets", () => {
  test("getAccount shows the default paper account with its 100,000 cash", async () => {
    const account = await alpaca.getAccount();
    assert.equal(account.status, "ACTIVE");
    assert.equal(account.currency, "USD");
    assert.equal(Number(account.cash), 100000);
    assert.equal(Number(account.equity), 100000);
  });

  test("getClock says the always-open market is open, with a next close after now", async () => {
    const clock = await alpaca.getClock();
    assert.equal(clock.is_open, true);
    assert.ok(Date.parse(clock.next_close) > Date.parse(clock.timestamp));
  });

  test("getCalendar lists one session per day in the range, in order", async () => {
    const days = await alpaca.getCalendar({ start: new Date("2024-01-02"), end: new Date("2024-01-05") });
    assert.ok(days.length >= 1, "no sessions");
    const dates = days.map((d) => d.date);
    assert.deepEqual(dates, [...dates].sort());
    assert.ok(dates.every((d) => d >= "2024-01-02" && d <= "2024-01-05"), dates.join(","));
    assert.match(days[0].open, /^\d\d:\d\d$/);
  });

  test("getAssets lists the exchange's symbols; getAsset finds one by symbol and by id", async () => {
    const assets = await alpaca.getAssets({ status: "active", asset_class: "us_equity" });
    const symbols = assets.map((a) => a.symbol).sort();
    assert.deepEqual(symbols, ["AAPL", "MSFT", "SPY"]);
    const aapl = await alpaca.getAsset("AAPL");
    assert.equal(aapl.symbol, "AAPL");
    assert.equal(aapl.tradable, true);
    const byId = await alpaca.getAsset(aapl.id);
    assert.equal(byId.symbol, "AAPL");
  });
});

describe("orders and positions", () => {
  let buy;

  test("a market buy fills in full near the last trade and is found by id and client id", async () => {
    const price = await lastPrice("AAPL");
    const order = await alpaca.createOrder({ symbol: "AAPL", qty: 10, side: "buy", type: "market",
      time_in_force: "day", client_order_id: "js-market-buy-1" });
    assert.equal(order.client_order_id, "js-market-buy-1");
    buy = await waitFilled(order.id);
    assert.equal(Number(buy.filled_qty), 10);
    assert.ok(Math.abs(Number(buy.filled_avg_price) / price - 1) < 0.01,
      `filled at ${buy.filled_avg_price}, last trade ${price}`);
    const byClient = await alpaca.getOrderByClientId("js-market-buy-1");
    assert.equal(byClient.id, order.id);
  });

  test("getPosition and getPositions equal the fill: 10 shares at the fill price", async () => {
    const position = await alpaca.getPosition("AAPL");
    assert.equal(Number(position.qty), 10);
    assert.equal(position.side, "long");
    assert.equal(Number(position.avg_entry_price), Number(buy.filled_avg_price));
    const positions = await alpaca.getPositions();
    assert.deepEqual(positions.map((p) => [p.symbol, Number(p.qty)]), [["AAPL", 10]]);
  });

  test("the account's cash drops by the fill's cost, to the cent", async () => {
    const account = await alpaca.getAccount();
    const cost = Number(buy.filled_qty) * Number(buy.filled_avg_price);
    assert.equal(Number(account.cash).toFixed(2), (100000 - cost).toFixed(2));
  });

  test("a limit buy far below the market rests; replaceOrder moves it; cancelOrder cancels it", async () => {
    const price = await lastPrice("MSFT");
    const limit = (price * 0.5).toFixed(2);
    const order = await alpaca.createOrder({ symbol: "MSFT", qty: 3, side: "buy", type: "limit",
      limit_price: limit, time_in_force: "gtc" });
    assert.equal(Number(order.limit_price), Number(limit));
    const resting = await alpaca.getOrder(order.id);
    assert.ok(["new", "accepted"].includes(resting.status), resting.status);

    const newLimit = (price * 0.6).toFixed(2);
    const replacement = await alpaca.replaceOrder(order.id, { qty: 4, limit_price: newLimit });
    assert.equal(replacement.replaces, order.id);
    assert.equal(Number(replacement.limit_price), Number(newLimit));
    assert.equal(Number(replacement.qty), 4);
    const old = await waitFor(() => alpaca.getOrder(order.id), (o) => o.status === "replaced");
    assert.equal(old.replaced_by, replacement.id);

    await alpaca.cancelOrder(replacement.id);
    const canceled = await waitFor(() => alpaca.getOrder(replacement.id), (o) => o.status === "canceled");
    assert.ok(canceled.canceled_at);
  });

  test("stop and stop-limit sells rest until cancelAllOrders cancels both", async () => {
    const price = await lastPrice("AAPL");
    const stop = await alpaca.createOrder({ symbol: "AAPL", qty: 1, side: "sell", type: "stop",
      stop_price: (price * 0.5).toFixed(2), time_in_force: "gtc" });
    const stopLimit = await alpaca.createOrder({ symbol: "AAPL", qty: 1, side: "sell", type: "stop_limit",
      stop_price: (price * 0.5).toFixed(2), limit_price: (price * 0.49).toFixed(2), time_in_force: "gtc" });
    const open = await alpaca.getOrders({ status: "open" });
    assert.deepEqual(open.map((o) => o.id).sort(), [stop.id, stopLimit.id].sort());

    await alpaca.cancelAllOrders();
    for (const id of [stop.id, stopLimit.id]) {
      await waitFor(() => alpaca.getOrder(id), (o) => o.status === "canceled");
    }
    assert.deepEqual(await alpaca.getOrders({ status: "open" }), []);
  });

  test("a bracket buy fills its parent and leaves a take-profit and a stop-loss leg", async () => {
    const price = await lastPrice("SPY");
    const order = await alpaca.createOrder({ symbol: "SPY", qty: 2, side: "buy", type: "market",
      time_in_force: "gtc", order_class: "bracket",
      take_profit: { limit_price: (price * 1.5).toFixed(2) },
      stop_loss: { stop_price: (price * 0.5).toFixed(2) } });
    assert.equal(order.order_class, "bracket");
    const parent = await waitFilled(order.id);
    const nested = await alpaca.getOrders({ status: "all", nested: true, symbols: "SPY" });
    const withLegs = nested.find((o) => o.id === parent.id);
    assert.ok(withLegs, "parent missing from getOrders");
    const legs = withLegs.legs.map((l) => [l.type, l.side, Number(l.qty)]).sort();
    assert.deepEqual(legs, [["limit", "sell", 2], ["stop", "sell", 2]]);
  });

  test("a trailing stop by percent rests with its high-water mark at the market", async () => {
    const price = await lastPrice("AAPL");
    const order = await alpaca.createOrder({ symbol: "AAPL", qty: 1, side: "sell", type: "trailing_stop",
      trail_percent: "40", time_in_force: "gtc" });
    assert.equal(order.type, "trailing_stop");
    assert.equal(Number(order.trail_percent), 40);
    const resting = await waitFor(() => alpaca.getOrder(order.id), (o) => o.hwm !== null);
    assert.ok(Math.abs(Number(resting.hwm) / price - 1) < 0.02, `hwm ${resting.hwm}, price ${price}`);
    assert.ok(Math.abs(Number(resting.stop_price) - Number(resting.hwm) * 0.6) < 0.02,
      `stop ${resting.stop_price} is not 60% of hwm ${resting.hwm}`);
    await alpaca.cancelOrder(order.id);
  });

  test("an OCO sell rests a take-profit and a stop-loss; cancelling the order cancels both", async () => {
    const price = await lastPrice("AAPL");
    const order = await alpaca.createOrder({ symbol: "AAPL", qty: 5, side: "sell", type: "limit",
      time_in_force: "gtc", order_class: "oco",
      take_profit: { limit_price: (price * 1.5).toFixed(2) },
      stop_loss: { stop_price: (price * 0.5).toFixed(2) } });
    assert.equal(order.order_class, "oco");
    assert.equal(order.legs.length, 1);
    await alpaca.cancelOrder(order.id);
    await waitFor(() => alpaca.getOrder(order.id), (o) => o.status === "canceled");
    await waitFor(() => alpaca.getOrder(order.legs[0].id), (o) => o.status === "canceled");
  });

  test("an OCO whose take-profit is marketable fills it and cancels the stop-loss", async () => {
    const price = await lastPrice("AAPL");
    const order = await alpaca.createOrder({ symbol: "AAPL", qty: 2, side: "sell", type: "limit",
      time_in_force: "gtc", order_class: "oco",
      take_profit: { limit_price: (price * 0.98).toFixed(2) },
      stop_loss: { stop_price: (price * 0.5).toFixed(2) } });
    const takeProfit = await waitFor(() => alpaca.getOrder(order.id), filled);
    assert.ok(Number(takeProfit.filled_avg_price) >= Number(takeProfit.limit_price), JSON.stringify(takeProfit));
    await waitFor(() => alpaca.getOrder(order.legs[0].id), (o) => o.status === "canceled");
    const position = await alpaca.getPosition("AAPL");
    assert.equal(Number(position.qty), 8);
    const refill = await alpaca.createOrder({ symbol: "AAPL", qty: 2, side: "buy", type: "market", time_in_force: "day" });
    await waitFilled(refill.id); // back to 10 shares, which closePosition sells below
  });

  test("an OTO limit buy rests with its stop-loss leg held behind it", async () => {
    const price = await lastPrice("MSFT");
    const order = await alpaca.createOrder({ symbol: "MSFT", qty: 1, side: "buy", type: "limit",
      limit_price: (price * 0.5).toFixed(2), time_in_force: "gtc", order_class: "oto",
      stop_loss: { stop_price: (price * 0.4).toFixed(2) } });
    assert.equal(order.order_class, "oto");
    assert.deepEqual(order.legs.map((l) => [l.type, l.side]), [["stop", "sell"]]);
    await alpaca.cancelOrder(order.id);
  });

  test("getAccountActivities' FILLs of the buy add up to its quantity at its average price; date and after filter", async () => {
    const fills = await alpaca.getAccountActivities({ activityTypes: "FILL", direction: "asc" });
    const ofBuy = fills.filter((f) => f.order_id === buy.id); // realistic fills may come in parts
    assert.ok(ofBuy.length >= 1);
    assert.ok(ofBuy.every((f) => f.side === "buy" && f.symbol === "AAPL"));
    const qty = ofBuy.reduce((sum, f) => sum + Number(f.qty), 0);
    const value = ofBuy.reduce((sum, f) => sum + Number(f.qty) * Number(f.price), 0);
    assert.equal(qty, 10);
    assert.ok(Math.abs(value / qty - Number(buy.filled_avg_price)) < 0.005, `fills VWAP ${value / qty}, order ${buy.filled_avg_price}`);
    assert.equal(ofBuy[ofBuy.length - 1].type, "fill");
    const page = await alpaca.getAccountActivities({ activityTypes: ["FILL"], pageSize: 1 });
    assert.equal(page.length, 1);
    const today = new Date().toLocaleDateString("en-CA", { timeZone: "America/New_York" });
    assert.equal((await alpaca.getAccountActivities({ activityTypes: "FILL", date: today })).length, fills.length);
    const later = new Date(Date.now() + 60_000).toISOString();
    assert.deepEqual(await alpaca.getAccountActivities({ activityTypes: "FILL", after: later }), []);
  });

  test("getPortfolioHistory (by period and by date_start) ends at the account's equity", async () => {
    const history = await alpaca.getPortfolioHistory({ period: "1D", timeframe: "1Min" });
    assert.equal(history.timestamp.length, history.equity.length);
    const account = await alpaca.getAccount();
    const last = history.equity[history.equity.length - 1];
    assert.ok(Math.abs(last - Number(account.equity)) < 5, `history ${last}, account ${account.equity}`);
    assert.equal(history.base_value, 100000);
    const today = new Date().toLocaleDateString("en-CA", { timeZone: "America/New_York" });
    const sinceToday = await alpaca.getPortfolioHistory({ date_start: today, timeframe: "1Min" });
    assert.ok(Math.abs(sinceToday.equity.at(-1) - last) < 5, `date_start ${sinceToday.equity.at(-1)}, 1D ${last}`);
  });

  test("closePosition sells the whole AAPL position; closeAllPositions flattens the rest", async () => {
    const close = await alpaca.closePosition("AAPL");
    assert.equal(close.side, "sell");
    assert.equal(Number(close.qty), 10);
    await waitFilled(close.id);
    await assert.rejects(alpaca.getPosition("AAPL"), (e) => e.response?.status === 404);

    await alpaca.cancelAllOrders(); // the bracket's legs hold the SPY shares, as on Alpaca
    await waitFor(() => alpaca.getOrders({ status: "open" }), (open) => open.length === 0);
    const results = await alpaca.closeAllPositions();
    assert.deepEqual(results.map((r) => r.symbol), ["SPY"]);
    await waitFor(() => alpaca.getPositions(), (p) => p.length === 0);
  });
});

describe("account configurations and watchlists", () => {
  test("updateAccountConfigurations turns fractional trading off, and a fractional order is refused", async () => {
    const before = await alpaca.getAccountConfigurations();
    assert.equal(before.fractional_trading, true);
    const updated = await alpaca.updateAccountConfigurations({ fractional_trading: false });
    assert.equal(updated.fractional_trading, false);
    assert.equal((await alpaca.getAccountConfigurations()).fractional_trading, false);
    await assert.rejects(
      alpaca.createOrder({ symbol: "AAPL", qty: 0.5, side: "buy", type: "market", time_in_force: "day" }),
      (e) => e.response?.status === 403);
    await alpaca.updateAccountConfigurations({ fractional_trading: true });
  });

  test("a watchlist is created, read, grown, replaced, shrunk and deleted", async () => {
    const created = await alpaca.addWatchlist("js-tech", ["AAPL"]);
    assert.deepEqual(created.assets.map((a) => a.symbol), ["AAPL"]);
    const grown = await alpaca.addToWatchlist(created.id, "MSFT");
    assert.deepEqual(grown.assets.map((a) => a.symbol), ["AAPL", "MSFT"]);
    const all = await alpaca.getWatchlists();
    assert.deepEqual(all.map((w) => w.name), ["js-tech"]);
    const renamed = await alpaca.updateWatchlist(created.id, { name: "js-tech-2", symbols: ["SPY", "AAPL", "MSFT"] });
    assert.equal(renamed.name, "js-tech-2");
    assert.deepEqual(renamed.assets.map((a) => a.symbol), ["SPY", "AAPL", "MSFT"]);
    const shrunk = await alpaca.deleteFromWatchlist(created.id, "AAPL");
    assert.deepEqual(shrunk.assets.map((a) => a.symbol), ["SPY", "MSFT"]);
    assert.deepEqual((await alpaca.getWatchlist(created.id)).assets.map((a) => a.symbol), ["SPY", "MSFT"]);
    await alpaca.deleteWatchlist(created.id);
    assert.deepEqual(await alpaca.getWatchlists(), []);
  });
});
