/**
 * The 4.x SDK's own clock, calendar and news calls (`GET /v3/clock`, `GET /v3/calendar/{market}`,
 * `GET /v1beta1/news`) against a 24/7 demo exchange (`--hours always`) and an NYSE one: the v3 answers
 * agree with the legacy v2 ones, the demo market says what it is, and news is an empty page.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startExchange } from "./support/exchange.mjs";
import { alpaca4, alpaca4Module, describeError4 } from "./support/sdk4.mjs";

let always;
let nyse;

before(async () => {
  [always, nyse] = await Promise.all([startExchange(), startExchange({ hours: "nyse" })]);
});
after(async () => Promise.all([always?.stop(), nyse?.stop()]));

const newYorkTime = (date) => date.toLocaleTimeString("en-US", { timeZone: "America/New_York", hourCycle: "h23" });

describe("--hours always: a 24/7 demo market", () => {
  test("clock.clock() is in its core phase, closing at 23:59:59.999 before the next open, as legacyClock says",
    async () => {
      const trading = alpaca4(always.url).trading;
      const [{ clocks: [clock] }, legacy] = await Promise.all([trading.clock.clock({ markets: "NYSE" }),
        trading.clock.legacyClock()]);
      assert.equal(clock.phase, "core");
      assert.equal(clock.isMarketDay, true);
      assert.ok(clock.timestamp < clock.nextMarketClose && clock.nextMarketClose < clock.nextMarketOpen,
        JSON.stringify(clock));
      assert.equal(newYorkTime(clock.nextMarketClose), "23:59:59");
      assert.equal(clock.nextMarketOpen - clock.nextMarketClose, 1); // the next session opens at midnight
      assert.equal(newYorkTime(clock.nextMarketOpen), "00:00:00");
      assert.deepEqual([legacy.isOpen, legacy.nextOpen, legacy.nextClose],
        [true, clock.nextMarketOpen, clock.nextMarketClose]);
      assert.match(clock.market.name, /24\/7 demo market/);
    });

  test("calendar.calendar() lists a weekend as core sessions of a demo market, and says so in a header", async () => {
    const trading = alpaca4(always.url).trading;
    const raw = await trading.calendar.calendarRaw({ market: "NYSE", start: new Date("2024-12-21"),
      end: new Date("2024-12-22") });
    assert.match(raw.raw.headers.get("x-weaver-market"), /^24\/7 demo market .*not NYSE/);
    const { market, calendar } = await raw.value();
    assert.match(market.name, /24\/7 demo market/);
    assert.deepEqual(calendar.map((d) => [d.date.toISOString().slice(0, 10), d.coreStart.toISOString(),
      d.coreEnd.toISOString(), d.preStart]), [
      ["2024-12-21", "2024-12-21T05:00:00.000Z", "2024-12-22T04:59:59.999Z", undefined],
      ["2024-12-22", "2024-12-22T05:00:00.000Z", "2024-12-23T04:59:59.999Z", undefined],
    ]);
  });
});

describe("--hours nyse", () => {
  test("clock.clock() agrees with legacyClock and its phase with is_open", async () => {
    const trading = alpaca4(nyse.url).trading;
    const [{ clocks: [clock] }, legacy] = await Promise.all([trading.clock.clock(), trading.clock.legacyClock()]);
    assert.deepEqual([clock.nextMarketOpen, clock.nextMarketClose], [legacy.nextOpen, legacy.nextClose]);
    assert.equal(legacy.isOpen, clock.phase === "core", JSON.stringify(clock));
    assert.ok(["closed", "pre", "core", "post"].includes(clock.phase));
    assert.ok(clock.phaseUntil > clock.timestamp);
    assert.deepEqual(clock.market, { acronym: "NYSE", mic: "XNYS", bic: undefined, name: "New York Stock Exchange",
      timezone: "America/New_York" });
  });

  test("clock.clock({ time }) reads Christmas Eve's pre-market, before its 13:00 close", async () => {
    const { clocks: [clock] } = await alpaca4(nyse.url).trading.clock.clock({ time: new Date("2024-12-24T12:00:00Z") });
    assert.equal(clock.phase, "pre");
    assert.equal(clock.phaseUntil.toISOString(), "2024-12-24T14:30:00.000Z");
    assert.equal(clock.nextMarketClose.toISOString(), "2024-12-24T18:00:00.000Z");
  });

  test("calendar.calendar() skips Christmas and closes Christmas Eve at 13:00 New York, by MIC and in UTC", async () => {
    const { calendar } = await alpaca4(nyse.url).trading.calendar.calendar({ market: "XNYS",
      start: new Date("2024-12-23"), end: new Date("2024-12-27"), timezone: "UTC" });
    assert.deepEqual(calendar.map((d) => [d.date.toISOString().slice(0, 10), newYorkTime(d.coreEnd)]), [
      ["2024-12-23", "16:00:00"], ["2024-12-24", "13:00:00"], ["2024-12-26", "16:00:00"], ["2024-12-27", "16:00:00"]]);
    assert.ok(calendar.every((d) => newYorkTime(d.preStart) === "04:00:00" && newYorkTime(d.coreStart) === "09:30:00"));
  });

  test("a market the exchange does not simulate is a ValidationError", async () => {
    await assert.rejects(alpaca4(nyse.url).trading.calendar.calendar({ market: "LSE" }), (error) => {
      assert.ok(error instanceof alpaca4Module.ValidationError, error.constructor.name);
      return true;
    });
  });
});

describe("news", () => {
  test("news.news() and collectNews() give an empty list and no next page", async () => {
    const marketData = alpaca4(always.url).marketData;
    const page = await marketData.news.news({ symbols: "AAPL,MSFT", limit: 10, sort: "desc" })
      .catch(async (error) => assert.fail(await describeError4(error)));
    assert.deepEqual(page, { news: [], nextPageToken: null });
    assert.deepEqual(await marketData.collectNews({ symbols: ["AAPL"], start: new Date(Date.now() - 86_400_000) }),
      []);
  });

  test("a limit over Alpaca's 50 is a ValidationError", async () => {
    await assert.rejects(alpaca4(always.url).marketData.news.news({ limit: 51 }), (error) => {
      assert.ok(error instanceof alpaca4Module.ValidationError, error.constructor.name);
      return true;
    });
  });
});
