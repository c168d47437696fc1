"""Channels as the owner configures them: split from one variable, recognised by Apprise, shown masked."""

from __future__ import annotations

import pytest

from app.config import SettingsError
from app.notifications.channels import Channel, channels_of
from app.notifications.follower import Backoff
from tests.conftest import make_settings


def test_urls_split_on_commas_and_spaces_and_stay_secret_in_the_settings_view() -> None:
    settings = make_settings("sqlite:///x.db", broker="memory",
                             notify_urls="tgram://123456789:AAHsecret/42, json://hooks.local/w  discord://id/tok")
    assert len(settings.notify_urls) == 3
    assert "AAHsecret" not in repr(settings) and "AAHsecret" not in str(settings.public_view())


def test_a_url_without_a_scheme_is_refused_at_start_up_naming_the_variable() -> None:
    with pytest.raises(SettingsError, match="WEAVER_NOTIFY_URLS: URL 2 has no scheme"):
        make_settings("sqlite:///x.db", broker="memory", notify_urls="json://a/b, hooks.example.com")


@pytest.mark.parametrize(("url", "secret"), [
    ("tgram://123456789:AAHsecretBotToken/987654", "AAHsecretBotToken"),
    ("discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js", "JHMHI8qBe7bk2ZwO5U711o3dV_js"),
    ("mailtos://owner:app-password@gmail.com", "app-password"),
    ("json://hooks.example.com/weaver?token=s3cret", "s3cret"),
    ("slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ", "TIiajkdnlazkcOXrIdevi7FQ"),
    ("json://hooks.example.com/hooks/9f8e7d6c5b4a39281706", "9f8e7d6c5b4a39281706"),
])
def test_a_channel_is_shown_without_its_secret(url: str, secret: str) -> None:
    channel = Channel(url)
    assert channel.valid and secret not in channel.masked and secret not in repr(channel)
    assert channel.masked.split("://")[0] in url


def test_an_unknown_scheme_is_a_channel_that_says_so_and_sends_nothing() -> None:
    channel = Channel("nope://somewhere/secret")
    assert not channel.valid and channel.masked == "nope://…"
    attempt = channel.send("t", "b")
    assert not attempt.ok and attempt.detail == "Apprise does not understand this URL"


def test_the_same_url_twice_is_one_channel_and_its_id_is_stable() -> None:
    first, again = channels_of(["json://a.local/x", "json://a.local/x"]), channels_of(["json://a.local/x"])
    assert len(first) == 1 and first[0].id == again[0].id


def test_backoff_doubles_up_to_its_cap() -> None:
    assert [Backoff(attempts=6, first_wait=2, max_wait=10).wait(n) for n in range(1, 6)] == [2, 4, 8, 10, 10]
