"""Finding strategies: built-ins by name, user strategies by `module:Class`, with clear errors."""

from __future__ import annotations

import sys
import textwrap

import pytest

from app.marvin import Strategy, StrategyLoadError, get_strategy, list_strategies, load_strategy
from app.marvin.strategies import SmaCross


def test_builtins_are_listed_by_name_with_schemas():
    names = [cls.name for cls in list_strategies()]
    assert names == ["bollinger_breakout", "buy_and_hold", "momentum_rotation", "rsi_reversion", "sma_cross"]
    assert all(cls.description and cls.param_schema()["type"] == "object" for cls in list_strategies())


def test_get_strategy_by_name():
    assert get_strategy("sma_cross") is SmaCross


def test_unknown_name_lists_the_builtins():
    with pytest.raises(StrategyLoadError, match="unknown strategy 'nope'.*sma_cross"):
        get_strategy("nope")


@pytest.fixture
def user_module(tmp_path, monkeypatch):
    package = tmp_path / "my_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "my_module.py").write_text(textwrap.dedent("""
        from app.marvin import Strategy

        class MyStrategy(Strategy):
            name = "mine"

        def not_a_class():
            pass

        class NotAStrategy:
            pass
    """))
    (package / "broken.py").write_text("import does_not_exist_anywhere\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    return "my_pkg"


@pytest.fixture
def sources():
    """Configure strategy paths for one test; the test suite's own come back afterwards."""
    from app.marvin import registry
    before = registry.configured_sources()
    yield registry.configure_sources
    registry.configure_sources(before)
    registry._trusted.clear()


def test_user_strategy_loads_by_module_path_from_a_configured_package(user_module, sources):
    sources(["my_pkg"])
    cls = get_strategy("my_pkg.my_module:MyStrategy")
    assert issubclass(cls, Strategy) and cls.name == "mine"


def test_a_module_outside_the_configured_paths_is_refused_unimported(user_module, sources):
    sources(["tests.fixtures"])
    sys.modules.pop("my_pkg.my_module", None)
    with pytest.raises(StrategyLoadError, match="unknown strategy") as caught:
        get_strategy("my_pkg.my_module:MyStrategy")
    assert "my_pkg.my_module" not in sys.modules
    assert "sma_cross" in caught.value.available
    assert "tests.fixtures.strategies:BuyEveryBar" in caught.value.available


def test_a_configured_folder_gives_its_files_as_modules(tmp_path, sources):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "weaver_folder_strategy.py").write_text(textwrap.dedent("""
        from app.marvin import Strategy

        class FromFolder(Strategy):
            name = "from_folder"
            def on_bar(self, ctx):
                pass
    """))
    sources([str(folder)])
    try:
        cls = get_strategy("weaver_folder_strategy:FromFolder")
        assert cls.name == "from_folder"
        assert get_strategy("weaver_folder_strategy:FromFolder") is cls
    finally:
        sys.modules.pop("weaver_folder_strategy", None)


def test_the_command_line_may_load_any_module_and_then_resolve_it(user_module, sources):
    sources([])
    cls = load_strategy("my_pkg.my_module:MyStrategy")
    assert get_strategy("my_pkg.my_module:MyStrategy") is cls


def test_missing_module_is_named(user_module):
    with pytest.raises(StrategyLoadError, match="cannot import module 'my_pkg.nothing'"):
        load_strategy("my_pkg.nothing:X")


def test_module_failing_inside_its_own_imports_is_reported_as_such(user_module):
    with pytest.raises(StrategyLoadError, match="failed to import.*does_not_exist_anywhere"):
        load_strategy("my_pkg.broken:X")


def test_missing_attribute_names_the_strategies_that_are_there(user_module):
    with pytest.raises(StrategyLoadError, match="has no attribute 'Other'; Strategy classes there: MyStrategy"):
        load_strategy("my_pkg.my_module:Other")


def test_attribute_of_the_wrong_type_is_refused(user_module):
    with pytest.raises(StrategyLoadError, match="is function, not a subclass"):
        load_strategy("my_pkg.my_module:not_a_class")
    with pytest.raises(StrategyLoadError, match="is a class, not a subclass"):
        load_strategy("my_pkg.my_module:NotAStrategy")


def test_malformed_paths_and_the_base_class_are_refused():
    with pytest.raises(StrategyLoadError, match="must look like"):
        load_strategy("just_a_module")
    with pytest.raises(StrategyLoadError, match="base class"):
        load_strategy("app.marvin:Strategy")
