"""Structured logs: JSON lines in containers, readable lines on a terminal; each line carries the
run id and correlation id of the work it belongs to, when there is one."""

from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

_context: ContextVar[dict[str, str]] = ContextVar("weaver_log_context", default={})  # noqa: B039


def bind_context(**values: str | None) -> None:
    merged = dict(_context.get())
    merged.update({k: v for k, v in values.items() if v})
    _context.set(merged)


def clear_context() -> None:
    _context.set({})


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in _context.get().items():
            setattr(record, key, value)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat().replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in ("run_id", "correlation_id", "process_name"):
            if hasattr(record, key):
                line[key] = getattr(record, key)
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


class ConsoleFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        stamp = datetime.fromtimestamp(record.created, UTC).strftime("%H:%M:%S")
        tags = " ".join(f"{k}={getattr(record, k)}" for k in ("run_id", "correlation_id") if hasattr(record, k))
        text = f"{stamp} {record.levelname:<7} {record.name}: {record.getMessage()}" + (f"  [{tags}]" if tags else "")
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return text


def configure_logging(level: str = "INFO", fmt: str = "auto") -> None:
    """`auto`: JSON when stderr is not a terminal (containers, log shippers), readable otherwise."""
    use_json = fmt == "json" or (fmt == "auto" and not sys.stderr.isatty())
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if use_json else ConsoleFormatter())
    handler.addFilter(ContextFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("werkzeug", "urllib3", "apscheduler.executors.default", "dramatiq.worker.WorkerThread"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
