from __future__ import annotations

import pytest

from app.config import SettingsError, load_settings


def valid(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "_env_file": None,
        "database_url": "postgresql+psycopg://weaver:hunter2@db:5432/weaver",
        "redis_url": "redis://redis:6379/0",
        "api_token": "a-very-long-api-token-value",
    }
    values.update(overrides)
    return values


def test_missing_required_values_are_named(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("WEAVER_DATABASE_URL", "WEAVER_API_TOKEN", "WEAVER_REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None)
    assert set(caught.value.problems) == {"WEAVER_DATABASE_URL", "WEAVER_API_TOKEN"}
    assert "WEAVER_DATABASE_URL: missing" in str(caught.value)


def test_malformed_values_are_named_with_the_reason() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(**valid(database_url="mysql://x", api_token="short", settle_delay_ms="soon"))
    problems = caught.value.problems
    assert "must start with postgresql" in problems["WEAVER_DATABASE_URL"]
    assert "at least 16 characters" in problems["WEAVER_API_TOKEN"]
    assert "WEAVER_SETTLE_DELAY_MS" in problems


def test_redis_url_is_required_only_for_the_redis_broker() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(**valid(redis_url=None))
    assert "WEAVER_REDIS_URL" in str(caught.value)
    assert load_settings(**valid(redis_url=None, broker="memory")).broker == "memory"


def test_values_are_read_from_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEAVER_DATABASE_URL", "sqlite:///x.db")
    monkeypatch.setenv("WEAVER_API_TOKEN", "env-token-0123456789")
    monkeypatch.setenv("WEAVER_BROKER", "memory")
    monkeypatch.setenv("WEAVER_SETTLE_DELAY_MS", "750")
    settings = load_settings(_env_file=None)
    assert settings.is_sqlite and settings.settle_delay_ms == 750


def test_secrets_are_masked_in_repr_str_and_public_view() -> None:
    settings = load_settings(
        **valid(alpaca_paper_key_id="PKTESTKEY123", alpaca_paper_secret_key="paper-secret-value",
                alpaca_live_key_id="AKLIVEKEY456", alpaca_live_secret_key="live-secret-value")
    )
    for shown in (repr(settings), str(settings), str(settings.public_view())):
        assert "paper-secret-value" not in shown
        assert "live-secret-value" not in shown
        assert "a-very-long-api-token-value" not in shown
        assert "hunter2" not in shown
    assert "paper-secret-value" not in repr(settings.alpaca("paper"))
    assert settings.alpaca("paper").secret_key.get_secret_value() == "paper-secret-value"


def test_paper_and_live_credentials_are_separate_sets() -> None:
    settings = load_settings(
        **valid(alpaca_paper_key_id="PK1", alpaca_paper_secret_key="s1", alpaca_paper_base_url="http://127.0.0.1:1",
                alpaca_live_key_id="AK2", alpaca_live_secret_key="s2", alpaca_live_base_url="http://127.0.0.1:2")
    )
    paper, live = settings.alpaca("paper"), settings.alpaca("live")
    assert (paper.key_id, paper.base_url) == ("PK1", "http://127.0.0.1:1")
    assert (live.key_id, live.base_url) == ("AK2", "http://127.0.0.1:2")


def test_an_unconfigured_credential_set_is_none() -> None:
    assert load_settings(**valid()).alpaca("live") is None
