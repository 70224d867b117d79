"""Issue 5: SECURITY.md's tool table is the registry's (generated; this fails when they differ), and the threat
model names every attack vector and input the issue lists."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.docs import main, render_tool_table, replace_table, table_in
from tools.registry import default_registry

ROOT = Path(__file__).resolve().parents[2]
SECURITY = ROOT / "SECURITY.md"


def test_the_tool_table_matches_the_registry() -> None:
    assert table_in(SECURITY.read_text()) == render_tool_table(default_registry()), (
        "SECURITY.md is stale: run `python -m tools.docs --write SECURITY.md`")


def test_every_tool_version_has_a_row() -> None:
    table = table_in(SECURITY.read_text())
    for spec in default_registry().all_specs():
        assert f"| `{spec.ref}` | {spec.tier} |" in table


def test_the_check_fails_on_a_drifted_file(tmp_path: Path) -> None:
    drifted = tmp_path / "SECURITY.md"
    drifted.write_text(replace_table(SECURITY.read_text(), render_tool_table(default_registry())
                                     .replace("support_lead / finance / admin", "support_agent")))
    assert main(["--check", str(drifted)]) == 1
    assert main(["--write", str(drifted)]) == 0 and main(["--check", str(drifted)]) == 0
    assert drifted.read_text() == SECURITY.read_text()


@pytest.mark.parametrize("topic", [
    "Confused deputy", "Prompt injection", "Credential theft", "Cross-tenant access", "Replayed or stale approvals",
    "Self-approval", "Tampering with the audit trail", "Exfiltration by email", "Ticket subject, body",
    "Customer name and notes", "Documents", "Tool outputs", "Model output", "User request",
])
def test_the_threat_model_covers(topic: str) -> None:
    assert topic in SECURITY.read_text()
