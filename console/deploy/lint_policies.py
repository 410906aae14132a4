"""`make lint`'s IAM check: parliament (the IAM policy linter) on every policy file in console/deploy.

Prints each finding and exits non-zero on any above LOW. LOW findings are allowed here; each one kept has its
reason in tests/unit/test_iam_policy.py (KEPT_FINDINGS), which fails on a LOW finding without one.

parliament's own auditors run on every file. Its community auditors run on the function's policies too; not on
the operator's, whose job is what they flag: Zappa's deploy (manage_roles) writes the execution role's policy
(iam:PutRolePolicy) and hands the role to Lambda (iam:PassRole with lambda:CreateFunction), which they call
permissions management (MEDIUM) and privilege escalation (HIGH) whatever the resources. The operator policy
scopes both to the two stages' execution roles; the policy test pins those findings so that no other appears.
Uses parliament's Python API: its command line wants a terminal.

Usage: python -m console.deploy.lint_policies [POLICY.json ...]
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

DEPLOY = Path(__file__).resolve().parent
SEVERITIES = ["MUTE", "INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL"]
OPERATOR_POLICY = "policy-operator.json"


def policy_files() -> list[Path]:
    return sorted(DEPLOY.glob("policy-*.json"))


def _parliament():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # parliament imports pkg_resources
        import parliament

    # The community auditors' severities live in their own file, as parliament's CLI loads it.
    parliament.override_config(Path(parliament.__file__).parent / "community_auditors" / "config_override.yaml")
    return parliament


def findings(path: Path, *, community: bool | None = None) -> list:
    parliament = _parliament()
    if community is None:
        community = path.name != OPERATOR_POLICY
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        policy = parliament.analyze_policy_string(
            path.read_text(), filepath=str(path), include_community_auditors=community
        )
    return [parliament.enhance_finding(f) for f in policy.findings]


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or policy_files()
    worst = 0
    for path in paths:
        found = findings(path)
        for f in found:
            worst = max(worst, SEVERITIES.index(f.severity))
            print(f"{path.name}: {f.severity} {f.issue} {f.detail} (line {f.location.get('line')})")
        if not found:
            print(f"{path.name}: no findings")
    if worst > SEVERITIES.index("LOW"):
        print("parliament found problems above LOW", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
