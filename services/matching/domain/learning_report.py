"""The learning report: for closed outcomes, grouped as a planner asks, how
team composition went with results. Honest statistics, computed in one pass:

- every figure carries its count (the outcomes it is drawn from); a figure
  drawn from fewer outcomes than the minimum group size shows its count only,
  and so does every figure of a group below that size;
- each figure is a mean over outcomes, each outcome counting once;
- team shares weigh each member by FTE times the days they served;
- met counts 1, partly met 0.5, not met 0;
- progress on a measure is (latest result - baseline) / (target - baseline),
  clipped to [0, 1]; where target equals baseline it is 1 when the latest
  result is on the measure's better side of it (or on it), else 0; an
  outcome's progress is the mean over its measures that have results;
- the words say "associated with", never "caused": outcomes differ in need,
  place, money and time in ways the report does not see.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from services.matching.domain.learning import MeasureResult, TeamMember
from services.matching.domain.model import (
    Assessment,
    Direction,
    Measure,
    Outcome,
    Sector,
)

DEFAULT_MIN_GROUP_SIZE = 5
NO_LOCALITY = "(no locality)"
CREDIT_OF_ASSESSMENT = {
    Assessment.MET: 1.0,
    Assessment.PARTLY_MET: 0.5,
    Assessment.NOT_MET: 0.0,
}
SECTOR_SHARE_FIGURES = {
    Sector.PUBLIC: "sector_share_public",
    Sector.PRIVATE: "sector_share_private",
    Sector.THIRD_SECTOR: "sector_share_third_sector",
    # The co-production share the commission asks about.
    Sector.COMMUNITY: "community_share",
}
FIGURE_NAMES = (
    "sector_count",
    *SECTOR_SHARE_FIGURES.values(),
    "role_coverage",
    "mean_fit",
    "met_share",
    "progress",
)
# Composition figures the notes relate to results across every closed outcome.
WORDING_OF_COMPOSITION = {
    "community_share": "a community (co-production) share",
    "sector_count": "a sector count",
    "role_coverage": "a role coverage",
    "mean_fit": "a mean fit",
}


class Grouping(StrEnum):
    LOCALITY = "locality"
    APPROACH = "approach"
    PRIORITY = "priority"


@dataclass(frozen=True)
class ClosedOutcomeFacts:
    """What the report reads of one closed outcome."""

    outcome: Outcome
    members: tuple[TeamMember, ...]
    results: tuple[MeasureResult, ...]


@dataclass(frozen=True)
class Figure:
    name: str
    # None: withheld, drawn from fewer outcomes than the minimum group size.
    value: float | None
    count: int


@dataclass(frozen=True)
class SectorAmount:
    sector: Sector
    amount: float


@dataclass(frozen=True)
class LearningGroup:
    key: str
    outcomes: int
    # False: under the minimum size, every figure withheld.
    reported: bool
    figures: tuple[Figure, ...]
    contributions: tuple[SectorAmount, ...]


@dataclass(frozen=True)
class LearningReport:
    group_by: Grouping
    min_group_size: int
    groups: tuple[LearningGroup, ...]
    notes: tuple[str, ...]


def measure_progress(measure: Measure, results: Sequence[MeasureResult]) -> float | None:
    """Progress of the latest result towards the target, in [0, 1]; None without results."""
    if not results:
        return None
    latest = max(results, key=_recency)
    span = measure.target - measure.baseline
    if span == 0:
        if measure.direction is Direction.LOWER_IS_BETTER:
            return 1.0 if latest.value <= measure.target else 0.0
        return 1.0 if latest.value >= measure.target else 0.0
    return min(1.0, max(0.0, (latest.value - measure.baseline) / span))


def _recency(result: MeasureResult) -> tuple[object, ...]:
    recorded = result.recorded_at.timestamp() if result.recorded_at else float("-inf")
    return (result.on, recorded)


def outcome_progress(outcome: Outcome, results: Sequence[MeasureResult]) -> float | None:
    by_measure: dict[str, list[MeasureResult]] = defaultdict(list)
    for result in results:
        by_measure[result.measure_id].append(result)
    progress = [
        value
        for measure in outcome.measures
        if (value := measure_progress(measure, by_measure.get(measure.id, []))) is not None
    ]
    return statistics.fmean(progress) if progress else None


def team_figures(outcome: Outcome, members: Sequence[TeamMember]) -> dict[str, float]:
    """One outcome's composition figures; none for an outcome closed without a team."""
    if not members:
        return {}
    weight_by_sector: dict[Sector, float] = defaultdict(float)
    for member in members:
        served_days = (member.end - member.start).days + 1
        weight_by_sector[member.sector] += member.fte * served_days
    total = sum(weight_by_sector.values())
    figures = {
        name: (weight_by_sector[sector] / total if total else 0.0)
        for sector, name in SECTOR_SHARE_FIGURES.items()
    }
    figures["sector_count"] = float(len({member.sector for member in members}))
    places = sum(slot.count for slot in outcome.slots)
    if places:
        filled = sum(
            min(slot.count, sum(1 for m in members if m.role_id == slot.role_id))
            for slot in outcome.slots
        )
        figures["role_coverage"] = filled / places
    figures["mean_fit"] = statistics.fmean(member.fit for member in members)
    return figures


def outcome_figures(facts: ClosedOutcomeFacts) -> dict[str, float]:
    """Every figure one closed outcome contributes to its group."""
    figures = team_figures(facts.outcome, facts.members)
    if facts.outcome.assessment is not None:
        figures["met_share"] = CREDIT_OF_ASSESSMENT[facts.outcome.assessment]
    progress = outcome_progress(facts.outcome, facts.results)
    if progress is not None:
        figures["progress"] = progress
    return figures


def _group_key(outcome: Outcome, group_by: Grouping) -> str:
    if group_by is Grouping.APPROACH:
        return outcome.approach.value
    if group_by is Grouping.PRIORITY:
        return str(outcome.priority)
    return outcome.locality or NO_LOCALITY


def _figures(per_outcome: Sequence[dict[str, float]], reported: bool, minimum: int) -> list[Figure]:
    figures = []
    for name in FIGURE_NAMES:
        values = [figures_of[name] for figures_of in per_outcome if name in figures_of]
        shown = reported and len(values) >= minimum and bool(values)
        figures.append(Figure(name, statistics.fmean(values) if shown else None, len(values)))
    return figures


def _contributions(outcomes: Iterable[Outcome]) -> list[SectorAmount]:
    totals: dict[Sector, float] = defaultdict(float)
    for outcome in outcomes:
        for contribution in outcome.contributions:
            totals[contribution.sector] += contribution.amount
    return [SectorAmount(sector, totals[sector]) for sector in Sector if sector in totals]


def _percent(value: float) -> str:
    return f"{value:.0%}"


def association_notes(per_outcome: Sequence[dict[str, float]], minimum: int) -> list[str]:
    """For each composition figure: outcomes above its median against the rest,
    by share met, when both halves reach the minimum size."""
    notes = []
    for name, wording in WORDING_OF_COMPOSITION.items():
        pairs = [(f[name], f["met_share"]) for f in per_outcome if name in f and "met_share" in f]
        if len(pairs) < 2 * minimum:
            continue
        median = statistics.median(value for value, _ in pairs)
        higher = [met for value, met in pairs if value > median]
        rest = [met for value, met in pairs if value <= median]
        if len(higher) < minimum or len(rest) < minimum:
            continue
        notes.append(
            f"Outcomes with {wording} above its median ({median:.2f}) were associated with "
            f"a met share of {_percent(statistics.fmean(higher))} (n={len(higher)}), "
            f"against {_percent(statistics.fmean(rest))} (n={len(rest)}) for the rest."
        )
    return notes


def learning_report(
    closed: Sequence[ClosedOutcomeFacts], group_by: Grouping, min_group_size: int
) -> LearningReport:
    per_outcome = [(facts.outcome, outcome_figures(facts)) for facts in closed]
    grouped: dict[str, list[tuple[Outcome, dict[str, float]]]] = defaultdict(list)
    for outcome, figures in per_outcome:
        grouped[_group_key(outcome, group_by)].append((outcome, figures))
    order: Callable[[str], tuple[int, str]] = (
        (lambda key: (int(key), key)) if group_by is Grouping.PRIORITY else (lambda key: (0, key))
    )
    groups = []
    for key in sorted(grouped, key=order):
        members = grouped[key]
        reported = len(members) >= min_group_size
        groups.append(
            LearningGroup(
                key=key,
                outcomes=len(members),
                reported=reported,
                figures=tuple(_figures([f for _, f in members], reported, min_group_size)),
                contributions=tuple(_contributions(o for o, _ in members)),
            )
        )
    withheld = sum(1 for group in groups if not group.reported)
    notes = [
        f"{len(closed)} closed outcome(s) in {len(groups)} group(s) by {group_by.value}; "
        f"a group of fewer than {min_group_size} closed outcomes shows counts only "
        f"({withheld} such group(s)), and so does a figure drawn from fewer outcomes.",
        "Each figure is a mean over the outcomes that have it (its count). Team shares "
        "weigh members by FTE times days served; met_share counts met as 1, partly met "
        "as 0.5 and not met as 0; progress is (latest result - baseline) / (target - "
        "baseline) per measure, clipped to 0..1.",
        "These figures show what team composition was associated with; they cannot say "
        "what caused a result: outcomes differ in need, place, money and time in ways "
        "this report does not see.",
        *association_notes([f for _, f in per_outcome], min_group_size),
    ]
    return LearningReport(group_by, min_group_size, tuple(groups), tuple(notes))
