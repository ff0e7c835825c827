"""Use cases of shared learning: record and list results, close an outcome,
read a team's history, and the learning report."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from services.common.errors import FailedPrecondition, InvalidArgument
from services.matching.domain.learning import (
    ClosingDraft,
    MeasureResult,
    ResultDraft,
    TeamMember,
    check_measure_filter,
    refusal_to_close,
    validate_closing,
    validate_result,
)
from services.matching.domain.learning_report import (
    DEFAULT_MIN_GROUP_SIZE,
    Grouping,
    LearningReport,
    learning_report,
)
from services.matching.domain.model import Outcome
from services.matching.service.ports import LearningRepository, OutcomeRepository


class LearningService:
    def __init__(
        self,
        outcomes: OutcomeRepository,
        learning: LearningRepository,
        min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.outcomes = outcomes
        self.learning = learning
        self.min_group_size = min_group_size
        self.clock = clock

    async def _outcome(self, outcome_id: str, field: str) -> Outcome:
        if not outcome_id.strip():
            raise InvalidArgument.of(field, "is required")
        return await self.outcomes.get(outcome_id.strip())

    async def record_result(self, draft: ResultDraft) -> MeasureResult:
        outcome = await self._outcome(draft.outcome_id, "result.outcome_id")
        now = self.clock()
        result = validate_result(draft, outcome, now.date())
        return await self.learning.add_result(result, now)

    async def results(self, outcome_id: str, measure_id: str) -> list[MeasureResult]:
        outcome = await self._outcome(outcome_id, "outcome_id")
        check_measure_filter(outcome, measure_id.strip())
        return await self.learning.results(outcome.id, measure_id.strip())

    async def close(self, draft: ClosingDraft) -> Outcome:
        outcome = await self._outcome(draft.outcome_id, "outcome_id")
        closing = validate_closing(draft, outcome, self.clock().date())
        refusal = refusal_to_close(outcome)
        if refusal is not None:
            raise FailedPrecondition(refusal)
        try:
            return await self.learning.close(outcome.id, closing)
        finally:
            self.outcomes.written(outcome.id)

    async def team_history(self, outcome_id: str, person_id: str) -> list[TeamMember]:
        outcome_id, person_id = outcome_id.strip(), person_id.strip()
        if not outcome_id and not person_id:
            raise InvalidArgument.of("outcome_id", "name an outcome, a person or both")
        if outcome_id:
            await self.outcomes.get(outcome_id)
        return await self.learning.team_history(outcome_id, person_id)

    async def report(self, group_by: Grouping, min_group_size: int) -> LearningReport:
        if min_group_size < 0:
            raise InvalidArgument.of("min_group_size", "must not be negative; 0 is the default")
        minimum = min_group_size or self.min_group_size
        return learning_report(await self.learning.closed_outcomes(), group_by, minimum)
