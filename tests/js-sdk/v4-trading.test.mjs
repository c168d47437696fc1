/**
 * Alpaca's JS SDK 4.x (a rewrite: `trading`/`marketData` namespaces, camelCase options, typed
 * errors) against a real `weaver exchange`: the same trading calls as the 3.1.3 test, through
 * 4.x's ergonomic order builders and generated APIs.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startExchange, waitFor } from "./support/exchange.mjs";
import { alpaca4, alpaca4Module } from "./support/sdk4.mjs";

let exchange;
let trading;
let marketData;

before(async () => {
  exchange = await startExchange();
  const alpaca = alpaca4(exchange.url);
  trading = alpaca.trading;
  marketData = alpaca.marketData;
});
after(async () => exchange?.stop());

const getOrder = (orderId) => trading.orders.getOrderByOrderID({ orderId });
const waitStatus = (orderId, status) => waitFor(() => getOrder(orderId), (o) => o.status === status);
const lastPrice = (symbol) => marketData.getLatestPrice(symbol);

describe("account, clock, calendar, assets", () => {
  test("getAccount shows the default paper account with its 100,000 cash", async () => {
    const account = await trading.account.getAccount();
    assert.equal(account.status, "ACTIVE");
    assert.equal(Number(account.cash), 100000);
  });

  test("legacyClock (GET /v2/clock) says the always-open market is open", async () => {
    const clock = await trading.clock.legacyClock();
    assert.equal(clock.isOpen, true);
    assert.ok(clock.nextClose > clock.timestamp);
  });

  test("legacyCalendar (GET /v2/calendar) lists each day of the range once, in order", async () => {
    // 4.x sends a Date as its New York day, so noon UTC names the intended day
    const days = await trading.calendar.legacyCalendar({ start: new Date("2024-01-02T12:00:00Z"),
      end: new Date("2024-01-05T12:00:00Z") });
    const dates = days.map((d) => d.date.toISOString().slice(0, 10));
    assert.deepEqual(dates, ["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05"]);
    assert.equal(days[0].open, "00:00");
  });

  test("getV2Assets lists the exchange's symbols; the asset is found by symbol and by id", async () => {
    const assets = await trading.assets.getV2Assets({ status: "active", assetClass: "us_equity" });
    assert.deepEqual(assets.map((a) => a.symbol).sort(), ["AAPL", "MSFT", "SPY"]);
    const aapl = await trading.assets.getV2AssetsSymbolOrAssetId({ symbolOrAssetId: "AAPL" });
    assert.equal(aapl.tradable, true);
    const byId = await trading.assets.getV2AssetsSymbolOrAssetId({ symbolOrAssetId: aapl.id });
    assert.equal(byId.symbol, "AAPL");
  });
});

describe("orders and positions", () => {
  let buy;

  test("orders.market buys 10 AAPL, filled near the last trade, found by id and client id", async () => {
    const price = await lastPrice("AAPL");
    const order = await trading.orders.market({ symbol: "AAPL", qty: 10, side: "buy",
      clientOrderId: "js4-market-buy-1" });
    buy = await waitStatus(order.id, "filled");
    assert.equal(Number(buy.filledQty), 10);
    assert.ok(Math.abs(Number(buy.filledAvgPrice) / price - 1) < 0.01, `${buy.filledAvgPrice} vs ${price}`);
    const byClient = await trading.orders.getOrderByClientOrderId({ clientOrderId: "js4-market-buy-1" });
    assert.equal(byClient.id, order.id);
  });

  test("the position equals the fill: 10 shares at the fill price", async () => {
    const position = await trading.positions.getOpenPosition({ symbolOrAssetId: "AAPL" });
    assert.equal(Number(position.qty), 10);
    assert.equal(Number(position.avgEntryPrice), Number(buy.filledAvgPrice));
    const positions = await trading.positions.getAllOpenPositions();
    assert.deepEqual(positions.map((p) => p.symbol), ["AAPL"]);
  });

  test("orders.limit rests; patchOrderByOrderId replaces it; deleteOrderByOrderID cancels it", async () => {
    const price = await lastPrice("MSFT");
    const order = await trading.orders.limit({ symbol: "MSFT", qty: 3, side: "buy",
      limitPrice: (price * 0.5).toFixed(2), timeInForce: "gtc" });
    const newLimit = (price * 0.6).toFixed(2);
    const replacement = await trading.orders.patchOrderByOrderId({ orderId: order.id,
      patchOrderRequest: { qty: "4", limitPrice: newLimit } });
    assert.equal(replacement.replaces, order.id);
    assert.equal(Number(replacement.limitPrice), Number(newLimit));
    const old = await waitStatus(order.id, "replaced");
    assert.equal(old.replacedBy, replacement.id);
    await trading.orders.deleteOrderByOrderID({ orderId: replacement.id });
    await waitStatus(replacement.id, "canceled");
  });

  test("after a replace the old id is final: its cancel and replace are 4.x ValidationErrors with Alpaca's code", async () => {
    const price = await lastPrice("MSFT");
    const order = await trading.orders.limit({ symbol: "MSFT", qty: 2, side: "buy",
      limitPrice: (price * 0.5).toFixed(2), timeInForce: "gtc" });
    const second = await trading.orders.patchOrderByOrderId({ orderId: order.id,
      patchOrderRequest: { limitPrice: (price * 0.55).toFixed(2) } });
    const notCancelable = (e) => e instanceof alpaca4Module.ValidationError && e.status === 422 && e.code === 42210000
      && /"replaced"/.test(e.message);
    await assert.rejects(trading.orders.deleteOrderByOrderID({ orderId: order.id }), notCancelable);
    await assert.rejects(trading.orders.patchOrderByOrderId({ orderId: order.id,
      patchOrderRequest: { qty: "3" } }), notCancelable);
    const third = await trading.orders.patchOrderByOrderId({ orderId: second.id, patchOrderRequest: { qty: "3" } });
    assert.equal(third.replaces, second.id);
    assert.equal(Number(third.qty), 3);
    await assert.rejects(trading.orders.patchOrderByOrderId({ orderId: third.id,
      patchOrderRequest: { limitPrice: "1e400" } }),
      (e) => e instanceof alpaca4Module.ValidationError && e.status === 422 && e.code === 40010001);
    await trading.orders.deleteOrderByOrderID({ orderId: third.id });
    const states = await Promise.all([order.id, second.id, third.id].map(getOrder));
    assert.deepEqual(states.map((o) => o.status), ["replaced", "replaced", "canceled"]);
    assert.deepEqual(states.map((o) => o.replacedBy ?? null), [second.id, third.id, null]);
  });

  test("orders.stop and orders.stopLimit rest until deleteAllOrders cancels both", async () => {
    const price = await lastPrice("AAPL");
    const stop = await trading.orders.stop({ symbol: "AAPL", qty: 1, side: "sell",
      stopPrice: (price * 0.5).toFixed(2), timeInForce: "gtc" });
    const stopLimit = await trading.orders.stopLimit({ symbol: "AAPL", qty: 1, side: "sell",
      stopPrice: (price * 0.5).toFixed(2), limitPrice: (price * 0.49).toFixed(2), timeInForce: "gtc" });
    const open = await trading.orders.getAllOrders({ status: "open" });
    assert.deepEqual(open.map((o) => o.id).sort(), [stop.id, stopLimit.id].sort());
    const canceled = await trading.orders.deleteAllOrders();
    assert.deepEqual(canceled.map((c) => c.status), [200, 200]);
    await waitStatus(stop.id, "canceled");
    await waitStatus(stopLimit.id, "canceled");
  });

  test("orders.bracket fills its parent and leaves a take-profit and a stop-loss leg", async () => {
    const price = await lastPrice("SPY");
    const order = await trading.orders.bracket({ symbol: "SPY", qty: 2, side: "buy", type: "market",
      timeInForce: "gtc", takeProfit: { limitPrice: (price * 1.5).toFixed(2) },
      stopLoss: { stopPrice: (price * 0.5).toFixed(2) } });
    const parent = await waitStatus(order.id, "filled");
    const legs = parent.legs.map((l) => [l.type, l.side, Number(l.qty)]).sort();
    assert.deepEqual(legs, [["limit", "sell", 2], ["stop", "sell", 2]]);
  });

  test("orders.trailingStop by percent rests with its high-water mark at the market", async () => {
    const price = await lastPrice("AAPL");
    const order = await trading.orders.trailingStop({ symbol: "AAPL", qty: 1, side: "sell",
      trailPercent: 40, timeInForce: "gtc" });
    const resting = await waitFor(() => getOrder(order.id), (o) => o.hwm != null);
    assert.ok(Math.abs(Number(resting.hwm) / price - 1) < 0.02, `hwm ${resting.hwm}, price ${price}`);
    await trading.orders.deleteOrderByOrderID({ orderId: order.id });
  });

  test("orders.oco and orders.oto are accepted with their legs", async () => {
    const price = await lastPrice("AAPL");
    const oco = await trading.orders.oco({ symbol: "AAPL", qty: 5, side: "sell", timeInForce: "gtc",
      takeProfit: { limitPrice: (price * 1.5).toFixed(2) }, stopLoss: { stopPrice: (price * 0.5).toFixed(2) } });
    assert.equal(oco.orderClass, "oco");
    assert.equal(oco.legs.length, 1);
    const oto = await trading.orders.oto({ symbol: "MSFT", qty: 1, side: "buy", type: "limit",
      limitPrice: (price * 0.5).toFixed(2), timeInForce: "gtc", stopLoss: { stopPrice: (price * 0.4).toFixed(2) } });
    assert.equal(oto.orderClass, "oto");
    assert.deepEqual(oto.legs.map((l) => [l.type, l.side]), [["stop", "sell"]]);
    await trading.orders.deleteAllOrders();
  });

  test("a position whose shares are held by open orders is refused with 4.x's PermissionError", async () => {
    await trading.orders.oco({ symbol: "AAPL", qty: 10, side: "sell", timeInForce: "gtc",
      takeProfit: { limitPrice: "9999" }, stopLoss: { stopPrice: "1" } });
    await assert.rejects(trading.positions.deleteOpenPosition({ symbolOrAssetId: "AAPL" }),
      (e) => e instanceof alpaca4Module.PermissionError && e.status === 403);
    await trading.orders.deleteAllOrders();
    await waitFor(() => trading.orders.getAllOrders({ status: "open" }), (open) => open.length === 0);
  });

  test("account activities' FILLs of the buy add up to its quantity at its average price", async () => {
    const fills = await trading.accountActivities.getAccountActivities({ activityTypes: ["FILL"] });
    const ofBuy = fills.filter((f) => f.orderId === buy.id);
    const qty = ofBuy.reduce((sum, f) => sum + Number(f.qty), 0);
    const value = ofBuy.reduce((sum, f) => sum + Number(f.qty) * Number(f.price), 0);
    assert.equal(qty, 10);
    assert.ok(Math.abs(value / qty - Number(buy.filledAvgPrice)) < 0.005, `fills VWAP ${value / qty}, order ${buy.filledAvgPrice}`);
    const byType = await trading.accountActivities.getAccountActivitiesByActivityType({ activityType: "FILL" });
    assert.equal(byType.length, fills.length);
  });

  test("getAccountPortfolioHistory ends at the account's equity", async () => {
    const history = await trading.portfolioHistory.getAccountPortfolioHistory({ period: "1D", timeframe: "1Min" });
    const account = await trading.account.getAccount();
    const last = history.equity[history.equity.length - 1];
    assert.ok(Math.abs(last - Number(account.equity)) < 5, `history ${last}, account ${account.equity}`);
    assert.equal(history.timestamp.length, history.equity.length);
  });

  test("deleteOpenPosition sells AAPL; closeAllPositions flattens the rest", async () => {
    const close = await trading.positions.deleteOpenPosition({ symbolOrAssetId: "AAPL" });
    assert.equal(close.side, "sell");
    assert.equal(Number(close.qty), 10);
    await waitStatus(close.id, "filled");
    const results = await trading.closeAllPositions();
    assert.deepEqual(results.map((r) => r.symbol), ["SPY"]);
    await waitFor(() => trading.positions.getAllOpenPositions(), (p) => p.length === 0);
  });
});

describe("account configurations and watchlists", () => {
  test("patchAccountConfig turns fractional trading off and a fractional order is refused", async () => {
    const updated = await trading.accountConfigurations.patchAccountConfig({
      accountConfigurations: { fractionalTrading: false } });
    assert.equal(updated.fractionalTrading, false);
    assert.equal((await trading.accountConfigurations.getAccountConfig()).fractionalTrading, false);
    await assert.rejects(trading.orders.market({ symbol: "AAPL", qty: 0.5, side: "buy" }),
      (e) => e instanceof alpaca4Module.PermissionError);
    await trading.accountConfigurations.patchAccountConfig({ accountConfigurations: { fractionalTrading: true } });
  });

  test("a watchlist is created, grown, shrunk and deleted", async () => {
    const created = await trading.watchlists.postWatchlist({
      createWatchlistRequest: { name: "js4-tech", symbols: ["AAPL"] } });
    const grown = await trading.watchlists.addAssetToWatchlist({ watchlistId: created.id,
      addAssetToWatchlistRequest: { symbol: "MSFT" } });
    assert.deepEqual(grown.assets.map((a) => a.symbol), ["AAPL", "MSFT"]);
    const byName = await trading.watchlists.getWatchlistByName({ name: "js4-tech" });
    assert.equal(byName.id, created.id);
    const shrunk = await trading.watchlists.removeAssetFromWatchlist({ watchlistId: created.id, symbol: "AAPL" });
    assert.deepEqual(shrunk.assets.map((a) => a.symbol), ["MSFT"]);
    await trading.watchlists.deleteWatchlistById({ watchlistId: created.id });
    assert.deepEqual(await trading.watchlists.getWatchlists(), []);
  });
});
