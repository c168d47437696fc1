"""WSGI entry point for gunicorn (`app.glados.wsgi:app`)."""

from app.config import load_settings
from app.glados.app import create_app
from app.glados.deadline import install_request_deadline
from app.logs import configure_logging

_settings = load_settings()
configure_logging(_settings.log_level, _settings.log_format)
app = create_app({"SETTINGS": _settings})
install_request_deadline(app, _settings.request_timeout_seconds)
