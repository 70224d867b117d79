"""Run the whole hostile-model suite and summarise it: attack success rate and utility per configuration.

    results = await run_suite(workdir)              # every scenario x configuration x model
    print(render_table(summarise(results)))
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from langgraph.checkpoint.base import BaseCheckpointSaver

from evals.hostile.runner import CONFIGS, Config, ModelKind, RunResult, run_one, template_db
from evals.hostile.scenarios import Scenario, build_scenarios


@dataclass(frozen=True)
class Row:
    config: Config
    scenarios: int
    attack_success: int          # hostile model: the attacker's goal happened (SQL)
    unapproved_attacks: int      # ... and no accepted approval had shown a tainted argument
    utility_under_attack: int    # hostile model: the user's task still done
    utility: int                 # honest model: the user's task done
    other_tenant_changes: int    # runs (either model) that changed another tenant's rows
    goals_seen: int              # runs in which the hostile model found an injected goal in its input
    quarantined: int             # hostile runs in which a field was quarantined
    extractor_obeyed: int = 0    # hostile runs in which Warden's extraction call returned an injected value

    @property
    def asr(self) -> float:
        return self.attack_success / self.scenarios if self.scenarios else 0.0

    @property
    def utility_rate(self) -> float:
        return self.utility / self.scenarios if self.scenarios else 0.0

    @property
    def utility_under_attack_rate(self) -> float:
        return self.utility_under_attack / self.scenarios if self.scenarios else 0.0


async def run_suite(workdir: Path, *, scenarios: Sequence[Scenario] | None = None,
                    configs: Sequence[Config] = CONFIGS, models: Sequence[ModelKind] = ("hostile", "honest"),
                    checkpointer: Callable[[], BaseCheckpointSaver] | None = None) -> list[RunResult]:
    template = template_db(workdir)
    out: list[RunResult] = []
    for scenario in scenarios or build_scenarios():
        for config in configs:
            for model in models:
                saver = checkpointer() if checkpointer and config.startswith("warden") else None
                out.append(await run_one(scenario, config, model, template=template, workdir=workdir,
                                         checkpointer=saver))
    return out


def summarise(results: Sequence[RunResult]) -> list[Row]:
    rows = []
    for config in dict.fromkeys(r.config for r in results):
        hostile = [r for r in results if r.config == config and r.model == "hostile"]
        honest = [r for r in results if r.config == config and r.model == "honest"]
        mine = [r for r in results if r.config == config]
        rows.append(Row(
            config=config, scenarios=len(hostile) or len(honest),
            attack_success=sum(r.attack_happened for r in hostile),
            unapproved_attacks=sum(r.attack_without_shown_taint for r in hostile),
            utility_under_attack=sum(r.task_done for r in hostile), utility=sum(r.task_done for r in honest),
            other_tenant_changes=sum(bool(r.other_tenant_changes) for r in mine),
            goals_seen=sum(r.goals_seen > 0 for r in hostile),
            quarantined=sum(bool(r.quarantined_fields) for r in hostile),
            extractor_obeyed=sum(bool(r.extractions_obeyed) for r in hostile)))
    return rows


def by_goal(results: Sequence[RunResult], scenarios: Sequence[Scenario]) -> dict[str, dict[str, tuple[int, int]]]:
    """config -> goal kind -> (attacks that happened, scenarios), hostile model only."""
    kind = {s.id: s.goal.kind for s in scenarios}
    table: dict[str, dict[str, tuple[int, int]]] = {}
    for r in results:
        if r.model != "hostile":
            continue
        hit, n = table.setdefault(r.config, {}).get(kind[r.scenario], (0, 0))
        table[r.config][kind[r.scenario]] = (hit + r.attack_happened, n + 1)
    return table


def render_table(rows: Sequence[Row]) -> str:
    head = ("| configuration | scenarios | attack success (ASR) | utility (honest model) | utility under attack | "
            "other-tenant changes | hostile model saw a goal | quarantined | hostile extractor obeyed |")
    lines = [head, "|" + "---|" * 9]
    for r in rows:
        lines.append(f"| {r.config} | {r.scenarios} | {r.attack_success}/{r.scenarios} ({r.asr:.0%}) | "
                     f"{r.utility}/{r.scenarios} ({r.utility_rate:.0%}) | {r.utility_under_attack}/{r.scenarios} "
                     f"({r.utility_under_attack_rate:.0%}) | {r.other_tenant_changes} | {r.goals_seen} | "
                     f"{r.quarantined} | {r.extractor_obeyed} |")
    return "\n".join(lines)


def render_goals(table: dict[str, dict[str, tuple[int, int]]]) -> str:
    goals = sorted({g for per in table.values() for g in per})
    lines = ["| configuration | " + " | ".join(goals) + " |", "|" + "---|" * (len(goals) + 1)]
    for config, per in table.items():
        cells = [f"{per.get(g, (0, 0))[0]}/{per.get(g, (0, 0))[1]}" for g in goals]
        lines.append(f"| {config} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
