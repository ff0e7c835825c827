"""The learning report's statistics on small hand-checked portfolios."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from services.matching.domain.learning import MeasureResult, TeamMember
from services.matching.domain.learning_report import (
    ClosedOutcomeFacts,
    Grouping,
    learning_report,
    measure_progress,
    team_figures,
)
from services.matching.domain.model import (
    Approach,
    Assessment,
    BudgetContribution,
    Direction,
    Measure,
    Outcome,
    OutcomeState,
    Sector,
    Slot,
)

START, END = date(2030, 1, 1), date(2030, 1, 10)
UP = Measure("jobs", "People in work", "people", 10.0, 20.0)
DOWN = Measure("waits", "Weeks waited", "weeks", 8.0, 4.0, Direction.LOWER_IS_BETTER)


def result(measure: Measure, value: float, on: date, second: int = 0) -> MeasureResult:
    return MeasureResult("o", measure.id, value, on, recorded_at=datetime(2030, 2, 1, 0, 0, second))


def test_progress_is_towards_the_target_clipped_and_direction_aware() -> None:
    assert measure_progress(UP, [result(UP, 15.0, date(2030, 1, 5))]) == 0.5
    assert measure_progress(UP, [result(UP, 5.0, date(2030, 1, 5))]) == 0.0
    assert measure_progress(DOWN, [result(DOWN, 2.0, date(2030, 1, 5))]) == 1.0
    assert measure_progress(DOWN, [result(DOWN, 7.0, date(2030, 1, 5))]) == 0.25
    flat = replace(DOWN, target=8.0)
    assert measure_progress(flat, [result(flat, 8.0, date(2030, 1, 5))]) == 1.0
    assert measure_progress(flat, [result(flat, 9.0, date(2030, 1, 5))]) == 0.0
    assert measure_progress(UP, []) is None


def test_the_latest_date_counts_then_the_latest_recording() -> None:
    results = [
        result(UP, 20.0, date(2030, 1, 3)),
        result(UP, 12.0, date(2030, 1, 9), second=1),
        # A correction of the same day, recorded later.
        result(UP, 14.0, date(2030, 1, 9), second=2),
    ]
    assert measure_progress(UP, results) == pytest.approx(0.4)


def member(person: str, sector: Sector, fte: float, fit: float, days: int = 10) -> TeamMember:
    return TeamMember("o", person, "navigator", sector, fte, START, date(2030, 1, days), fit)


def outcome(outcome_id: str, **changes: object) -> Outcome:
    base = Outcome(
        id=outcome_id,
        title=outcome_id,
        locality="north",
        priority=2,
        budget=0.0,
        start=START,
        end=END,
        days=10.0,
        slots=(Slot("navigator", 4, 0.5),),
        measures=(UP,),
        state=OutcomeState.CLOSED,
        assessment=Assessment.MET,
        closed_on=END,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_team_figures_weigh_members_by_fte_and_days() -> None:
    figures = team_figures(
        outcome("o"),
        [
            member("ann", Sector.PUBLIC, 1.0, 0.9),
            member("bob", Sector.COMMUNITY, 0.5, 0.6),
            # Half bob's days at bob's FTE: half his weight.
            member("cat", Sector.COMMUNITY, 0.5, 0.3, days=5),
        ],
    )
    assert figures["community_share"] == pytest.approx(7.5 / 17.5)
    assert figures["sector_share_public"] == pytest.approx(10 / 17.5)
    assert figures["sector_count"] == 2
    assert figures["role_coverage"] == 0.75
    assert figures["mean_fit"] == pytest.approx(0.6)


def facts(outcome_id: str, assessment: Assessment, **changes: object) -> ClosedOutcomeFacts:
    return ClosedOutcomeFacts(
        outcome(outcome_id, assessment=assessment, **changes),
        (member("ann", Sector.PUBLIC, 1.0, 0.8), member("bob", Sector.COMMUNITY, 1.0, 0.6)),
        (result(UP, 15.0, date(2030, 1, 5)),),
    )


def test_groups_under_the_minimum_show_counts_but_no_figures() -> None:
    closed = [
        facts("n1", Assessment.MET),
        facts("n2", Assessment.PARTLY_MET),
        facts("n3", Assessment.NOT_MET),
        facts("s1", Assessment.MET, locality="south"),
    ]
    report = learning_report(closed, Grouping.LOCALITY, min_group_size=3)
    north, south = report.groups
    assert (north.key, north.outcomes, north.reported) == ("north", 3, True)
    figures = {f.name: (f.value, f.count) for f in north.figures}
    assert figures["met_share"] == (0.5, 3)
    assert figures["progress"] == (0.5, 3)
    assert figures["community_share"] == (0.5, 3)
    assert (south.key, south.outcomes, south.reported) == ("south", 1, False)
    assert all(f.value is None for f in south.figures)
    assert {f.name: f.count for f in south.figures}["met_share"] == 1


def test_a_figure_from_too_few_outcomes_is_withheld_in_a_reported_group() -> None:
    closed = [
        facts("a", Assessment.MET),
        facts("b", Assessment.MET),
        replace(facts("c", Assessment.MET), results=()),
    ]
    report = learning_report(closed, Grouping.APPROACH, min_group_size=3)
    (group,) = report.groups
    assert group.key == Approach.UNSPECIFIED.value
    figures = {f.name: (f.value, f.count) for f in group.figures}
    assert figures["progress"] == (None, 2)
    assert figures["met_share"] == (1.0, 3)


def test_contributions_total_by_sector_and_groups_sort_by_priority() -> None:
    pooled = (
        BudgetContribution("council", Sector.PUBLIC, 100.0),
        BudgetContribution("trust", Sector.THIRD_SECTOR, 50.0, restricted_to=Sector.COMMUNITY),
    )
    closed = [
        facts("a", Assessment.MET, priority=5, contributions=pooled),
        facts("b", Assessment.MET, priority=5, contributions=pooled[:1]),
        facts("c", Assessment.MET, priority=1),
    ]
    report = learning_report(closed, Grouping.PRIORITY, min_group_size=1)
    assert [g.key for g in report.groups] == ["1", "5"]
    amounts = {c.sector: c.amount for c in report.groups[1].contributions}
    assert amounts == {Sector.PUBLIC: 200.0, Sector.THIRD_SECTOR: 50.0}


def test_notes_say_associated_with_and_never_caused() -> None:
    closed = [facts(f"o{i}", Assessment.MET if i % 2 else Assessment.NOT_MET) for i in range(4)] + [
        replace(
            facts(f"p{i}", Assessment.NOT_MET),
            members=(member("ann", Sector.PUBLIC, 1.0, 0.5),),
        )
        for i in range(4)
    ]
    report = learning_report(closed, Grouping.LOCALITY, min_group_size=2)
    text = " ".join(report.notes)
    assert "associated with" in text
    assert "caused" not in text.replace("cannot say what caused", "")
    community = [n for n in report.notes if n.startswith("Outcomes with a community")]
    assert community == [
        "Outcomes with a community (co-production) share above its median (0.25) were "
        "associated with a met share of 50% (n=4), against 0% (n=4) for the rest."
    ]
