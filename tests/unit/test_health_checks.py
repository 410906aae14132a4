"""The architecture check: arm64 is offered only for a package without compiled code."""

from __future__ import annotations

from console.health import checks
from console.health.gateway import FunctionConfig
from console.health.package import compiled_distributions


def keys(config: FunctionConfig, compiled) -> set[str]:
    return {f.key for f in checks.evaluate(checks.Facts(config=config, compiled=compiled)).findings}


def test_x86_with_a_pure_python_package_is_told_arm64_costs_20_percent_less():
    assert "x86-where-arm64-is-cheaper" in keys(FunctionConfig(name="f", architecture="x86_64"), ())


def test_a_package_with_compiled_code_or_an_arm64_function_is_left_alone():
    assert "x86-where-arm64-is-cheaper" not in keys(FunctionConfig(name="f", architecture="x86_64"), ("nh3",))
    assert "x86-where-arm64-is-cheaper" not in keys(FunctionConfig(name="f", architecture="arm64"), ())


def test_without_knowing_the_package_the_check_is_not_made():
    report = checks.evaluate(checks.Facts(config=FunctionConfig(name="f", architecture="x86_64")))
    assert "Architecture" not in report.checked and report.findings == []


def test_the_projects_own_package_has_compiled_code():
    assert "nh3" in compiled_distributions()  # the HTML sanitizer the notes ship with is a compiled extension
