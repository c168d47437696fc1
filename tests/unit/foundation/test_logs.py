"""Structured logs: a run id or correlation id given to a log call, or bound to the context, becomes a
field of the JSON line (not words in the message); the console format shows the same as tags."""

from __future__ import annotations

import json
import logging
import re
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest

from app.logs import ConsoleFormatter, ContextFilter, JsonFormatter, bind_context, clear_context, resolve_format
from scheduler.ticks import TickScheduler


class FakeSession:
    def __init__(self, runs: dict[str, str]):
        self.runs = runs

    def execute(self, _statement: Any) -> list[tuple[str, str]]:
        return list(self.runs.items())


def scheduler_for(runs: dict[str, str]) -> TickScheduler:
    @contextmanager
    def session_factory() -> Any:
        yield FakeSession(runs)

    return TickScheduler(session_factory, uow=None, settle=timedelta(milliseconds=500))  # type: ignore[arg-type]


def json_lines(records: list[logging.LogRecord]) -> list[dict[str, Any]]:
    context = ContextFilter()
    return [json.loads(JsonFormatter().format(r)) for r in records if context.filter(r)]


def test_a_log_call_with_a_run_id_gives_a_json_line_with_a_run_id_key(caplog):
    with caplog.at_level(logging.INFO, logger="weaver.test"):
        logging.getLogger("weaver.test").info("started", extra={"run_id": "run-123"})
    (line,) = json_lines(caplog.records)
    assert (line["message"], line["run_id"], line["level"]) == ("started", "run-123", "info")


def test_the_scheduler_logs_the_run_id_as_a_field(caplog):
    ticks = scheduler_for({"run-a": "1Min"})
    with caplog.at_level(logging.INFO, logger="scheduler.ticks"):
        ticks.sync()
        ticks.read_session = scheduler_for({}).read_session
        ticks.sync()
    started, stopped = json_lines(caplog.records)
    assert started["run_id"] == stopped["run_id"] == "run-a"
    assert started["message"].startswith("ticking run every 1Min") and stopped["message"] == "stopped ticking run"
    assert "run-a" not in started["message"] + stopped["message"]


def test_context_ids_reach_every_line_until_cleared(caplog):
    caplog.handler.addFilter(ContextFilter())  # as the handler configure_logging installs has it
    bind_context(correlation_id="corr-1", run_id="run-9")
    try:
        with caplog.at_level(logging.INFO, logger="weaver.test"):
            logging.getLogger("weaver.test").info("inside")
    finally:
        clear_context()
    record = caplog.records[0]
    (line,) = json_lines([record])
    assert (line["correlation_id"], line["run_id"]) == ("corr-1", "run-9")
    text = ConsoleFormatter().format(record)
    assert text.endswith("inside  [run_id=run-9 correlation_id=corr-1]")
    assert re.match(r"\d\d:\d\d:\d\dZ INFO ", text)  # says its zone: UTC, whatever TZ the server has (trial 31)


def test_auto_format_is_json_off_a_terminal_and_explicit_formats_are_kept(monkeypatch: pytest.MonkeyPatch):
    class Piped:
        def isatty(self) -> bool:
            return False

    monkeypatch.setattr("sys.stderr", Piped())
    assert (resolve_format("auto"), resolve_format("console"), resolve_format("json")) == ("json", "console", "json")
