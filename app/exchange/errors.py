"""Alpaca's error bodies: every non-2xx answer is `{"code": int, "message": str}` (alpaca-py parses it)."""

from __future__ import annotations

INVALID = 40010001  # 422 bad input (Alpaca uses it for most validation failures)
UNAUTHORIZED = 40110000
FORBIDDEN = 40310000  # 403 insufficient buying power / qty
NOT_FOUND = 40410000
NOT_CANCELABLE = 42210000
RATE_LIMITED = 42910000

STATUS_CODES: dict[int, tuple[int, str]] = {
    400: (40010000, "bad request"),
    401: (UNAUTHORIZED, "request is not authorized"),
    403: (FORBIDDEN, "forbidden"),
    404: (NOT_FOUND, "not found"),
    405: (40510000, "method not allowed"),
    422: (INVALID, "unprocessable entity"),
    429: (RATE_LIMITED, "rate limit exceeded"),
    500: (50010000, "internal server error"),
    502: (50210000, "bad gateway"),
    503: (50310000, "service unavailable"),
    504: (50410000, "gateway timeout"),
}


class ExchangeError(Exception):
    """A request the exchange refuses, carrying the HTTP status and Alpaca's code."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def body(self) -> dict[str, object]:
        return {"code": self.code, "message": self.message}

    @classmethod
    def for_status(cls, status: int, message: str | None = None) -> ExchangeError:
        code, default = STATUS_CODES.get(status, (status * 100_000, "injected fault"))
        return cls(status, code, message or default)


def invalid(message: str) -> ExchangeError:
    return ExchangeError(422, INVALID, message)


def bad_request(message: str) -> ExchangeError:
    """The data API answers bad parameters with 400."""
    return ExchangeError(400, INVALID, message)


def not_found(message: str) -> ExchangeError:
    return ExchangeError(404, NOT_FOUND, message)


def forbidden(message: str) -> ExchangeError:
    return ExchangeError(403, FORBIDDEN, message)


def insufficient_buying_power() -> ExchangeError:
    return forbidden("insufficient buying power")


def insufficient_qty(requested: object, available: object) -> ExchangeError:
    return forbidden(f"insufficient qty available for order (requested: {requested}, available: {available})")
