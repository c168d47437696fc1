"""The exchange's HTTP and WebSocket surface (Flask + flask-sock)."""

from app.exchange.web.app import create_app

__all__ = ["create_app"]
