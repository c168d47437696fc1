"""Structured logs: JSON lines in containers, readable lines on a terminal; each line carries the
run id and correlation id of the work it belongs to, when there is one.

Both come from the context (`bind_context`, set per request and per actor message) or from the call
itself: `log.info("ticking run", extra={"run_id": run_id})`. gunicorn's own logs (boot, worker
restarts, the access line with the request's correlation id) go through the same handler by way of
`gunicorn --logger-class app.logs.gunicorn_logger`.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

_context: ContextVar[dict[str, str]] = ContextVar("weaver_log_context", default={})  # noqa: B039
FIELDS = ("run_id", "correlation_id", "process_name", "method", "path", "status", "duration_ms", "remote_addr")
TAGS = ("run_id", "correlation_id")


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
        for key in FIELDS:
            if hasattr(record, key):
                line[key] = getattr(record, key)
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


class ConsoleFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        stamp = datetime.fromtimestamp(record.created, UTC).strftime("%H:%M:%SZ")  # Z: UTC, whatever TZ says (trial 31)
        tags = " ".join(f"{k}={getattr(record, k)}" for k in TAGS if hasattr(record, k))
        text = f"{stamp} {record.levelname:<7} {record.name}: {record.getMessage()}" + (f"  [{tags}]" if tags else "")
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return text


def resolve_format(fmt: str = "auto") -> str:
    """`auto` made concrete: JSON when stderr is not a terminal (containers, log shippers), readable
    otherwise. Process managers resolve it once and hand it down in WEAVER_LOG_FORMAT, because their
    children (dramatiq's) log through a pipe and would otherwise always pick JSON."""
    if fmt != "auto":
        return fmt
    return "console" if sys.stderr.isatty() else "json"


def configure_logging(level: str = "INFO", fmt: str = "auto") -> None:
    """One handler on stderr for the whole process, in the format `resolve_format` picks."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if resolve_format(fmt) == "json" else ConsoleFormatter())
    handler.addFilter(ContextFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("werkzeug", "urllib3", "apscheduler.executors.default", "dramatiq.worker.WorkerThread"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def gunicorn_logger(cfg: Any) -> Any:
    """`gunicorn --logger-class app.logs.gunicorn_logger`: gunicorn's error and access logs through our
    handler. A factory, so that importing this module does not import gunicorn (Unix only, and
    needed by `weaver web` alone)."""
    return _gunicorn_logger_class()(cfg)


@functools.cache
def _gunicorn_logger_class() -> type:
    from gunicorn.glogging import Logger

    class GunicornLogger(Logger):  # type: ignore[misc]
        def setup(self, cfg: Any) -> None:
            super().setup(cfg)  # levels, and whether access lines are wanted (--access-logfile)
            configure_logging(cfg.loglevel, os.environ.get("WEAVER_LOG_FORMAT", "auto"))
            for log in (self.error_log, self.access_log):
                for handler in list(log.handlers):
                    log.removeHandler(handler)
                log.propagate = True

        def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
            """One line per request: method, path (never the query, which may hold the SSE token),
            status, duration, and the correlation id the app returned in X-Correlation-ID."""
            if not self.access_log_enabled:
                return
            headers = resp.headers.items() if hasattr(resp.headers, "items") else resp.headers
            correlation = next((v for k, v in headers if k.lower() == "x-correlation-id"), None)
            status = str(resp.status).split(None, 1)[0]
            fields: dict[str, Any] = {
                "method": environ.get("REQUEST_METHOD"), "path": environ.get("PATH_INFO"),
                "status": int(status) if status.isdigit() else status,
                "duration_ms": round(request_time.total_seconds() * 1000, 1),
                "remote_addr": environ.get("REMOTE_ADDR"),
            }
            if correlation:
                fields["correlation_id"] = correlation
            self.access_log.info("%s %s %s %.1f ms", fields["method"], fields["path"], fields["status"],
                                 fields["duration_ms"], extra=fields)

    return GunicornLogger
