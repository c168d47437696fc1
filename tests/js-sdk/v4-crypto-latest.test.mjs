/**
 * Alpaca's JS SDK 4.x generated crypto readers against a real `weaver exchange`: latest bars, trades,
 * quotes and order books and snapshots for BTC/USD and ETH/USD (loc us), agreeing with each other.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startExchange } from "./support/exchange.mjs";
import { alpaca4 } from "./support/sdk4.mjs";

let exchange;
let crypto;

before(async () => {
  exchange = await startExchange();
  crypto = alpaca4(exchange.url).marketData.crypto;
});
after(async () => exchange?.stop());

const PAIRS = "BTC/USD,ETH/USD";

test("latest trades, quotes and bars of both pairs: bid below ask, the trade and the bar's close within 1 % of the quote", async () => {
  const { trades } = await crypto.cryptoLatestTrades({ loc: "us", symbols: PAIRS });
  const { quotes } = await crypto.cryptoLatestQuotes({ loc: "us", symbols: PAIRS });
  const { bars } = await crypto.cryptoLatestBars({ loc: "us", symbols: PAIRS });
  for (const pair of ["BTC/USD", "ETH/USD"]) {
    const quote = quotes[pair];
    assert.ok(quote.bp > 0 && quote.bp < quote.ap, JSON.stringify(quote));
    const mid = (quote.bp + quote.ap) / 2;
    assert.ok(Math.abs(trades[pair].p / mid - 1) < 0.01, `${pair} trade ${trades[pair].p} vs mid ${mid}`);
    assert.ok(trades[pair].s > 0);
    const bar = bars[pair];
    assert.ok(bar.l <= Math.min(bar.o, bar.c) && bar.h >= Math.max(bar.o, bar.c), JSON.stringify(bar));
    assert.ok(Math.abs(bar.c / mid - 1) < 0.01, `${pair} bar close ${bar.c} vs mid ${mid}`);
  }
  assert.ok(quotes["BTC/USD"].bp > quotes["ETH/USD"].ap, "BTC trades above ETH");
});

test("latest order books: bids below asks, best levels around the latest quote", async () => {
  const { orderbooks } = await crypto.cryptoLatestOrderbooks({ loc: "us", symbols: PAIRS });
  assert.deepEqual(Object.keys(orderbooks).sort(), ["BTC/USD", "ETH/USD"]);
  for (const book of Object.values(orderbooks)) {
    assert.ok(book.b.length > 0 && book.a.length > 0, JSON.stringify(book));
    const bestBid = Math.max(...book.b.map((level) => level.p));
    const bestAsk = Math.min(...book.a.map((level) => level.p));
    assert.ok(bestBid < bestAsk, `${bestBid} < ${bestAsk}`);
    assert.ok(book.b.every((level) => level.s > 0) && book.a.every((level) => level.s > 0));
  }
});

test("snapshots: each pair's latest trade and quote, minute bar and daily bars in time order", async () => {
  const { snapshots } = await crypto.cryptoSnapshots({ loc: "us", symbols: PAIRS });
  assert.deepEqual(Object.keys(snapshots).sort(), ["BTC/USD", "ETH/USD"]);
  for (const snapshot of Object.values(snapshots)) {
    assert.ok(snapshot.latestTrade.p > 0);
    assert.ok(snapshot.latestQuote.bp < snapshot.latestQuote.ap);
    assert.ok(snapshot.prevDailyBar.t < snapshot.dailyBar.t, "previous day before today");
    // the newest minute lies inside the newest daily bar (in a day's first minute, yesterday's)
    const day = snapshot.minuteBar.t >= snapshot.dailyBar.t ? snapshot.dailyBar : snapshot.prevDailyBar;
    assert.ok(snapshot.minuteBar.t >= day.t, "the minute inside a day listed");
    assert.ok(day.l <= snapshot.minuteBar.l && day.h >= snapshot.minuteBar.h, "the day's range holds the minute's");
  }
});
