"""The learning use cases over small in-memory repositories."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pytest

from services.common.errors import FailedPrecondition, InvalidArgument, NotFound
from services.matching.domain.learning import (
    Closing,
    ClosingDraft,
    MeasureResult,
    ResultDraft,
    TeamMember,
    closed,
)
from services.matching.domain.learning_report import ClosedOutcomeFacts, Grouping
from services.matching.domain.model import (
    Assessment,
    Collaboration,
    Measure,
    Outcome,
    Slot,
)
from services.matching.service.learning import LearningService
from tests.unit.matching.fakes import FakeOutcomeRepository

NOW = datetime(2031, 3, 1, 9, 30, tzinfo=UTC)


@dataclass
class FakeLearningRepository:
    outcomes: FakeOutcomeRepository
    stored: list[MeasureResult] = field(default_factory=list)
    members: list[TeamMember] = field(default_factory=list)

    async def add_result(self, result: MeasureResult, at: datetime) -> MeasureResult:
        stored = MeasureResult(**{**result.__dict__, "recorded_at": at})
        self.stored.append(stored)
        return stored

    async def results(self, outcome_id: str, measure_id: str) -> list[MeasureResult]:
        return [
            r
            for r in self.stored
            if r.outcome_id == outcome_id and measure_id in ("", r.measure_id)
        ]

    async def close(self, outcome_id: str, closing: Closing) -> Outcome:
        done = closed(await self.outcomes.get(outcome_id), closing)
        await self.outcomes.replace(done)
        return done

    async def team_history(self, outcome_id: str, person_id: str) -> list[TeamMember]:
        return [
            m
            for m in self.members
            if outcome_id in ("", m.outcome_id) and person_id in ("", m.person_id)
        ]

    async def closed_outcomes(self) -> list[ClosedOutcomeFacts]:
        return [
            ClosedOutcomeFacts(o, (), tuple(await self.results(o.id, "")))
            for o in self.outcomes.items.values()
            if o.closed_on is not None
        ]

    async def collaborations(self, person_ids: Sequence[str]) -> list[Collaboration]:
        return []

    async def forget_person(self, person_id: str) -> None:
        self.members = [m for m in self.members if m.person_id != person_id]


OUTCOME = Outcome(
    id="riverside",
    title="Riverside",
    locality="riverside",
    priority=2,
    budget=0.0,
    start=date(2030, 1, 1),
    end=date(2030, 12, 31),
    days=10.0,
    slots=(Slot("navigator", 1, 1.0),),
    measures=(Measure("lonely", "Lonely", "people", 40.0, 20.0),),
)


@pytest.fixture
def service() -> LearningService:
    outcomes = FakeOutcomeRepository({OUTCOME.id: OUTCOME})
    return LearningService(outcomes, FakeLearningRepository(outcomes), 3, clock=lambda: NOW)


async def test_a_result_is_recorded_with_the_time_it_was_taken(service: LearningService) -> None:
    stored = await service.record_result(ResultDraft("riverside", "lonely", 30.0, "2030-06-01"))
    assert stored.recorded_at == NOW
    assert await service.results("riverside", "lonely") == [stored]
    with pytest.raises(NotFound):
        await service.record_result(ResultDraft("elsewhere", "lonely", 30.0, "2030-06-01"))
    with pytest.raises(InvalidArgument) as caught:
        await service.record_result(ResultDraft(" ", "lonely", 30.0, "2030-06-01"))
    assert caught.value.violations[0].field == "result.outcome_id"


async def test_results_filtered_by_a_measure_the_outcome_lacks_are_refused(
    service: LearningService,
) -> None:
    with pytest.raises(InvalidArgument) as caught:
        await service.results("riverside", "smiles")
    assert caught.value.violations[0].field == "measure_id"


async def test_closing_twice_is_refused_and_arguments_are_checked_first(
    service: LearningService,
) -> None:
    done = await service.close(ClosingDraft("riverside", Assessment.MET))
    assert done.closed_on == NOW.date()
    with pytest.raises(FailedPrecondition, match="already closed on 2031-03-01"):
        await service.close(ClosingDraft("riverside", Assessment.NOT_MET))
    with pytest.raises(InvalidArgument):
        await service.close(ClosingDraft("riverside", None))


async def test_team_history_needs_an_outcome_or_a_person(service: LearningService) -> None:
    with pytest.raises(InvalidArgument) as caught:
        await service.team_history("", " ")
    assert caught.value.violations[0].field == "outcome_id"
    with pytest.raises(NotFound):
        await service.team_history("elsewhere", "")
    assert await service.team_history("", "ann") == []


async def test_the_report_uses_the_configured_minimum_unless_asked(
    service: LearningService,
) -> None:
    await service.close(ClosingDraft("riverside", Assessment.MET, closed_on="2030-12-31"))
    default = await service.report(Grouping.LOCALITY, 0)
    assert default.min_group_size == 3
    assert [(g.key, g.reported) for g in default.groups] == [("riverside", False)]
    asked = await service.report(Grouping.LOCALITY, 1)
    assert asked.groups[0].reported
    with pytest.raises(InvalidArgument):
        await service.report(Grouping.LOCALITY, -1)
