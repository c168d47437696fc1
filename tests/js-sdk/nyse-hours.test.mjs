/**
 * Both SDK lines against `weaver exchange --hours nyse`: the calendar a scheduler reads (holidays
 * missing, the Christmas Eve early close) and a clock whose next open and close agree with it.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startExchange } from "./support/exchange.mjs";
import { alpaca3 } from "./support/sdk3.mjs";
import { alpaca4 } from "./support/sdk4.mjs";

let exchange;

before(async () => { exchange = await startExchange({ hours: "nyse" }); });
after(async () => exchange?.stop());

const CHRISTMAS_WEEK = [["2024-12-23", "16:00"], ["2024-12-24", "13:00"], ["2024-12-26", "16:00"],
  ["2024-12-27", "16:00"]];

test("3.1.3 getCalendar skips Christmas and closes Christmas Eve at 13:00", async () => {
  const days = await alpaca3(exchange.url).getCalendar({ start: new Date("2024-12-23"), end: new Date("2024-12-27") });
  assert.deepEqual(days.map((d) => [d.date, d.close]), CHRISTMAS_WEEK);
  assert.ok(days.every((d) => d.open === "09:30"));
});

test("4.x legacyCalendar gives the same Christmas week", async () => {
  const days = await alpaca4(exchange.url).trading.calendar.legacyCalendar({
    start: new Date("2024-12-23T12:00:00Z"), end: new Date("2024-12-27T12:00:00Z") });
  assert.deepEqual(days.map((d) => [d.date.toISOString().slice(0, 10), d.close]), CHRISTMAS_WEEK);
});

test("getClock's next open and close follow each other the way is_open says", async () => {
  const clock = await alpaca3(exchange.url).getClock();
  const [open, close] = [Date.parse(clock.next_open), Date.parse(clock.next_close)];
  assert.ok(open > Date.parse(clock.timestamp) && close > Date.parse(clock.timestamp), JSON.stringify(clock));
  assert.equal(clock.is_open, close < open, JSON.stringify(clock));
  const hours = (close - open) / 3600_000;
  if (!clock.is_open) assert.ok([3.5, 6.5].includes(hours), `a session of ${hours} h`);
  const newYork = new Date(open).toLocaleTimeString("en-US", { timeZone: "America/New_York", hour12: false });
  assert.equal(newYork, "09:30:00");
});
