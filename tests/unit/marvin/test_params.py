"""Parameter schema: JSON Schema for forms, validation with a message per field, cross-field rules."""

from __future__ import annotations

import pytest

from app.marvin import Bool, Choice, Float, Int, ParamError, Strategy
from app.marvin.strategies import SmaCross


class Tunable(Strategy):
    name = "tunable"
    description = "for tests"
    window = Int(10, min=2, max=500, description="bars")
    width = Float(2.0, min=0.5, max=5.0)
    enabled = Bool(True)
    mode = Choice(["fast", "slow"], "fast", description="speed")
    needed = Int(description="no default: required")


def test_param_schema_is_json_schema_with_types_bounds_defaults_and_descriptions():
    schema = Tunable.param_schema()
    assert schema["type"] == "object" and schema["title"] == "tunable" and schema["additionalProperties"] is False
    assert schema["properties"]["window"] == {"type": "integer", "default": 10, "minimum": 2, "maximum": 500,
                                              "description": "bars"}
    assert schema["properties"]["width"]["type"] == "number"
    assert schema["properties"]["enabled"] == {"type": "boolean", "default": True}
    assert schema["properties"]["mode"] == {"type": "string", "enum": ["fast", "slow"], "default": "fast",
                                            "description": "speed"}
    assert schema["required"] == ["needed"]
    assert list(schema["properties"]) == ["window", "width", "enabled", "mode", "needed"]


def test_validate_fills_defaults_and_normalises_types():
    assert Tunable.validate_params({"needed": 3, "width": 3, "window": 20.0}) == {
        "window": 20, "width": 3.0, "enabled": True, "mode": "fast", "needed": 3}


def test_validate_reports_every_bad_field_with_its_reason():
    with pytest.raises(ParamError) as caught:
        Tunable.validate_params({"window": 1, "width": "wide", "enabled": 1, "mode": "medium", "colour": "red"})
    assert caught.value.errors == {
        "colour": "unknown parameter; the parameters are window, width, enabled, mode, needed",
        "enabled": "must be true or false",
        "mode": "must be one of fast, slow",
        "needed": "required",
        "width": "must be a number",
        "window": "must be >= 2",
    }


def test_integers_refuse_booleans_and_fractions_and_bounds_apply_above_too():
    with pytest.raises(ParamError) as caught:
        Tunable.validate_params({"needed": True, "window": 10.5})
    assert caught.value.errors == {"needed": "must be an integer", "window": "must be an integer"}
    with pytest.raises(ParamError) as caught:
        Tunable.validate_params({"needed": 1, "window": 501})
    assert caught.value.errors == {"window": "must be <= 500"}


def test_cross_field_rule_fast_must_be_below_slow():
    with pytest.raises(ParamError) as caught:
        SmaCross.validate_params({"fast": 30, "slow": 20})
    assert caught.value.errors == {"fast": "must be less than slow"}


def test_params_parse_from_command_line_text():
    assert Tunable.parse_params({"needed": "4", "enabled": "false", "width": "1.5"})["enabled"] is False
    with pytest.raises(ParamError) as caught:
        Tunable.parse_params({"needed": "four"})
    assert caught.value.errors == {"needed": "must be an integer"}


def test_params_become_plain_instance_attributes():
    strategy = SmaCross({"fast": 5})
    assert (strategy.fast, strategy.slow, strategy.allow_short) == (5, 20, False)


def test_a_parameter_may_not_shadow_the_strategy_api():
    with pytest.raises(TypeError, match="clash"):
        type("Bad", (Strategy,), {"buy": Int(1)})


def test_an_invalid_default_is_refused_when_the_class_is_defined():
    with pytest.raises(TypeError, match="default"):
        Int(1, min=2)
