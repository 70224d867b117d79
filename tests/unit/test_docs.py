"""The README documents every setting and starts with the two newcomer commands; .ci/run calls the test one."""

from __future__ import annotations

import re
from pathlib import Path

from graph.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()


def test_every_setting_is_documented() -> None:
    missing = [f"WARDEN_{name.upper()}" for name in Settings.model_fields if f"WARDEN_{name.upper()}" not in README]
    assert missing == []


def test_readme_starts_with_the_two_commands_and_ci_runs_the_test_one() -> None:
    block = re.search(r"```bash\n(.*?)```", README, re.DOTALL)
    assert block is not None and README.index("```bash") < 200
    commands = [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]
    assert commands == ["make run", "make test"]
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_every_stop_reason_is_documented() -> None:
    from typing import get_args

    from nodes.state import StopReason

    missing = [reason for reason in get_args(StopReason) if f"`{reason}`" not in README]
    assert missing == []
