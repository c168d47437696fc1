"""`weaver exchange`: run the local Alpaca-compatible exchange in the foreground until Ctrl-C."""

from __future__ import annotations

import signal
import threading
from pathlib import Path

import click

from app.exchange.config import ConfigError, ExchangeConfig, parse_account_spec, parse_symbols_spec
from app.exchange.execution import REALISTIC_HALF_SPREAD_BPS
from app.exchange.hours import DEMO_MARKET
from app.exchange.replay_options import prepare_replay, replay_options
from app.exchange.server import ExchangeServer


@click.command("exchange")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5055, show_default=True, help="0 picks a free port.")
@click.option("--bar-seconds", default=60.0, show_default=True, help="Base bar of the price process.")
@click.option("--seed", default=7, show_default=True)
@click.option("--symbols", default="AAPL=190,MSFT=410,SPY=520,BTC/USD=60000,ETH/USD=3000", show_default=True,
              help="Comma-separated SYMBOL[=start price]; BASE/USD is a crypto pair (24/7, fees).")
@click.option("--crypto-fees", default="15,25", show_default=True, metavar="MAKER,TAKER",
              help="Crypto fees in basis points of each fill (Alpaca's base tier: 15 maker, 25 taker).")
@click.option("--account", "accounts", multiple=True, metavar="NAME:KEY:SECRET[:CASH[:short]]",
              help="Repeatable. Default: paper:PAPERKEY:PAPERSECRET:100000.")
@click.option("--hours", type=click.Choice(["nyse", "always"]), default="nyse", show_default=True,
              help="nyse: NYSE sessions and holidays; always: a 24/7 demo market.")
@click.option("--fills", type=click.Choice(["realistic", "ideal"]), default="realistic", show_default=True,
              help="realistic: latency, the spread, a share of each bar's volume; ideal: every order fills in "
                   "full at once at the last trade.")
@click.option("--half-spread-bps", default=None, type=click.FloatRange(0, 10_000),
              help="Half the quoted spread, in basis points, wider after a volatile bar (default: 2 with realistic "
                   "fills; 0 with ideal fills, which then trade at the last price).")
@click.option("--volume-share", default=0.1, show_default=True, type=click.FloatRange(0, 1, min_open=True),
              help="realistic: the most of a bar's volume one order takes within that bar.")
@click.option("--fill-latency-ms", default=50, show_default=True, type=click.IntRange(0, 60_000),
              help="realistic: from accept to reaching the market.")
@click.option("--random-partials", default=0.0, show_default=True, type=click.FloatRange(0, 1),
              help="realistic: the share of fills cut short at random (Alpaca's paper engine: about 0.1).")
@click.option("--state", "state_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="JSON file keeping accounts, positions and orders across restarts.")
@click.option("--admin-token", envvar="WEAVER_EXCHANGE_ADMIN_TOKEN", default=None,
              help="Token for /_exchange admin endpoints (default: random, printed).")
@click.option("--rate-limit", type=click.IntRange(min=1), default=None, metavar="N",
              help="Requests per minute per API key, answered 429 beyond (Alpaca's is 200). Default: off.")
@click.option("--verbose", is_flag=True, help="Log every request.")
@replay_options
def exchange(host: str, port: int, bar_seconds: float, seed: int, symbols: str, accounts: tuple[str, ...],
             hours: str, fills: str, half_spread_bps: float | None, volume_share: float, fill_latency_ms: int,
             random_partials: float, state_file: Path | None, admin_token: str | None, rate_limit: int | None,
             verbose: bool, crypto_fees: str, market: str, replay_from: str, replay_start: str | None,
             replay_timeframe: str, replay_speed: float, database_url: str | None) -> None:
    """Run the local Alpaca-compatible exchange (REST, market data and the trade_updates stream)."""
    if half_spread_bps is None:
        half_spread_bps = REALISTIC_HALF_SPREAD_BPS if fills == "realistic" else 0.0
    try:
        config_kwargs: dict = {
            "symbols": parse_symbols_spec(symbols), "seed": seed, "bar_seconds": bar_seconds,
            "hours": hours, "state_file": state_file, "admin_token": admin_token,
            "rate_limit_per_minute": rate_limit, "fills": fills, "half_spread_bps": half_spread_bps,
            "volume_share": volume_share, "fill_latency_ms": fill_latency_ms, "random_partials": random_partials,
        }
        maker, _, taker = crypto_fees.partition(",")
        config_kwargs.update(crypto_maker_bps=float(maker), crypto_taker_bps=float(taker or maker))
        if accounts:
            config_kwargs["accounts"] = tuple(parse_account_spec(spec) for spec in accounts)
        replay = None
        if market == "replay":
            stocks = tuple(s for s in config_kwargs["symbols"] if not s.is_crypto)  # the default pairs stay out
            replay = prepare_replay(stocks, replay_start, replay_timeframe, replay_speed, database_url)
            config_kwargs.update(symbols=replay.symbols, bar_seconds=replay.bar_seconds, hours="always")
            hours = "always (the replay's own times)"
        config = ExchangeConfig(**config_kwargs)
    except (ConfigError, ValueError) as exc:
        raise click.BadParameter(str(exc)) from exc
    server = ExchangeServer(config, host=host, port=port, verbose=verbose,
                            replay=replay.bars if replay else None).start()
    click.echo(f"exchange listening on {server.url}  (stream: {server.stream_url}, "
               f"data stream: {server.data_stream_url})")
    for account in config.accounts:
        click.echo(f"  account {account.name}: key {account.key}, secret {account.secret}, cash {account.cash}, "
                   + ("margin account (may sell short, no leverage)" if account.shorting else
                      "cash account (no short sales; add :short to --account for a margin one)"))
    if hours == "always":
        hours = f"always, a {DEMO_MARKET} (every day 00:00-24:00 New York, not NYSE sessions)"
    click.echo(f"  hours: {hours}; fills: {fills}" + (f" (latency {fill_latency_ms} ms, half spread {half_spread_bps} "
               f"bps, at most {volume_share:.0%} of a bar's volume per order)" if fills == "realistic" else ""))
    click.echo(f"  admin token: {server.admin_token}  (header X-Exchange-Admin-Token)")
    if rate_limit is not None:
        click.echo(f"  rate limit: {rate_limit} requests per minute per key (429 beyond)")
    if replay is not None:
        click.echo(f"  market: {replay.described}")
    pairs = [s.symbol for s in config.symbols if s.is_crypto]
    if pairs:
        fees = f"{config.crypto_maker_bps:g}/{config.crypto_taker_bps:g}"
        stream = server.data_stream_url.rsplit("/v2/", 1)[0] + "/v1beta3/crypto/us"
        click.echo(f"  crypto 24/7: {', '.join(pairs)}; fees {fees} bps maker/taker; data stream {stream}")
    click.echo("Ctrl-C to stop", err=True)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    try:
        while not stopped.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        click.echo("exchange stopped", err=True)
