"""Published facts the checks rely on, each with where it comes from: AWS's Python runtime deprecation
dates, and the compiled packages known to publish arm64 wheels."""

from __future__ import annotations

from datetime import date

# AWS's published Python runtime deprecation dates (the "Deprecation date" column of the supported and
# deprecated runtimes tables). Source: https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html
# Checked 2026-12-07 against what quotes that table (its own text was out of reach here): python3.9
# 2025-12-15 (moved from 2025-10-31: github.com/terraform-linters/tflint-ruleset-aws/pull/969, and
# github.com/aws-powertools/powertools-lambda-python/issues/6883); python3.13 and python3.14 2029-06-30
# (endoflife.date/aws-lambda); python3.10 and 3.11 2026-06-30, python3.12 2028-10-31 (AWS's AgentCore
# runtime table, which follows Lambda's policy: docs.aws.amazon.com/bedrock-agentcore/latest/devguide/
# runtime-code-deploy-supported-runtimes.html); python3.8 2024-10-14 (AWS's notice quoted in
# github.com/aws-solutions/aws-control-tower-customizations/issues/193). No date needed changing.
RUNTIME_DEPRECATION_SOURCE = "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html"
RUNTIME_DEPRECATIONS: dict[str, date] = {
    "python3.14": date(2029, 6, 30),
    "python3.13": date(2029, 6, 30),
    "python3.12": date(2028, 10, 31),
    "python3.11": date(2026, 6, 30),
    "python3.10": date(2026, 6, 30),
    "python3.9": date(2025, 12, 15),
    "python3.8": date(2024, 10, 14),
}
NEWEST_PYTHON_RUNTIME = (
    "python3.13"  # Zappa 0.63 packages 3.9-3.14 (zappa.SUPPORTED_VERSIONS); 3.13 is supported longest with 3.14
)

# The arm64 rule: a package is portable when it ships no compiled extension module, or when each of its
# compiled modules comes from a distribution that publishes a manylinux aarch64 wheel for the runtime
# (checked by hand: pip download --only-binary :all: --platform manylinux2014_aarch64 --python-version 3.11).
# Checked 2026-12-07: nh3-0.3.8-cp39-abi3-manylinux2014_aarch64, markupsafe-3.0.4-cp311-cp311-manylinux2014_aarch64,
# pillow-11.3.0-cp311-cp311-manylinux2014_aarch64 (pip download --platform manylinux2014_aarch64),
# pi_heif-1.4.0 manylinux aarch64 (--platform manylinux_2_28_aarch64).
ARM64_WHEELS = frozenset({"nh3", "markupsafe", "pillow", "pi-heif"})
