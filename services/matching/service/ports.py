"""What the use cases need from the outside world, in the domain's terms.
The Neo4j repositories and the skills gRPC client implement these."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from services.matching.domain.gaps import ClosePerson, GapStep
from services.matching.domain.learning import Closing, MeasureResult, TeamMember
from services.matching.domain.learning_report import ClosedOutcomeFacts
from services.matching.domain.model import (
    Candidate,
    Collaboration,
    CommittedWork,
    EssentialSkill,
    Outcome,
)
from services.matching.domain.proposals import AssignmentRecord, ProposalRecord
from services.matching.domain.slot_queries import LevelOverride as LevelOverride
from services.matching.domain.slot_queries import SlotCandidates, SlotCandidatesQuery
from services.matching.domain.training import Course, PlanRecord, RoleProfile


@dataclass(frozen=True)
class RankedPerson:
    person_id: str
    name: str
    fit: float


@dataclass(frozen=True)
class OutcomePage:
    outcomes: list[Outcome]
    # Empty on the last page.
    next_after_id: str


class OutcomeRepository(Protocol):
    async def add(self, outcome: Outcome) -> None: ...

    async def replace(self, outcome: Outcome) -> None: ...

    async def get(self, outcome_id: str) -> Outcome: ...

    async def get_many(self, outcome_ids: Sequence[str]) -> list[Outcome]: ...

    async def page(self, locality: str, page_size: int, after_id: str) -> OutcomePage: ...

    async def open_outcomes(self, locality: str, role_id: str, on: date) -> list[Outcome]: ...

    async def delete(self, outcome_id: str) -> None: ...

    def written(self, outcome_id: str) -> None:
        """The outcome was written in another repository's transaction (closing):
        a repository that keeps outcomes in memory drops what it kept."""


class StaffingRepository(Protocol):
    async def committed_work(self) -> list[CommittedWork]: ...

    async def basis_and_committed_work(self) -> tuple[int, list[CommittedWork]]:
        """The commit ledger's sequence, then the committed work, read in that
        order in one transaction: a commit landing in between makes a proposal
        built on them stale, never silently wrong."""

    async def add_proposal(self, proposal: ProposalRecord) -> None: ...

    async def get_proposal(self, proposal_id: str) -> ProposalRecord: ...

    async def latest_proposal_for(self, outcome_ids: Sequence[str]) -> ProposalRecord | None: ...

    async def commit(
        self,
        proposal_id: str,
        actor: str,
        current_capacity: Mapping[str, float | None],
        at: datetime,
    ) -> ProposalRecord: ...

    async def assignments(self, outcome_id: str, person_id: str) -> list[AssignmentRecord]: ...

    async def release(self, outcome_id: str, person_id: str, actor: str, at: datetime) -> None: ...

    async def forget_person(self, person_id: str) -> None: ...


class SkillsPort(Protocol):
    async def role_ids(self) -> set[str]: ...

    async def known_skill_ids(self, skill_ids: Sequence[str]) -> set[str]:
        """Those of the skills named that the catalogue holds."""
        ...

    async def candidate_matrix(
        self,
        role_ids: Sequence[str],
        skill_ids: Sequence[str],
        min_fit: float,
        level_overrides: Sequence[LevelOverride] = (),
    ) -> list[Candidate]: ...

    async def capacities(self, person_ids: Sequence[str]) -> dict[str, float | None]: ...

    async def essential_skills(self, role_ids: Sequence[str]) -> list[EssentialSkill]:
        """The essential requirements of these roles."""
        ...

    async def rank(self, role_id: str, limit: int, locality: str = "") -> list[RankedPerson]: ...

    async def gap_steps(self, person_id: str, role_id: str) -> list[GapStep]: ...

    async def slot_candidates(self, query: SlotCandidatesQuery) -> SlotCandidates:
        """Per slot the people who may fill it (pre-filter; matching checks again)."""
        ...

    async def closest(
        self, role_id: str, limit: int, locality: str, below_fit: float
    ) -> list[ClosePerson]:
        """The best-fitting people below `below_fit`, each with their gap steps, in one call."""
        ...


class CollaborationSource(Protocol):
    async def collaborations(self, person_ids: Sequence[str]) -> list[Collaboration]:
        """Pairs of these people who worked together, in one query: closed outcomes
        with their assessment, open ones (their committed lines) without."""
        ...


class LearningRepository(CollaborationSource, Protocol):
    """Results, closing with team history, and who worked with whom."""

    async def add_result(self, result: MeasureResult, at: datetime) -> MeasureResult: ...

    async def results(self, outcome_id: str, measure_id: str) -> list[MeasureResult]: ...

    async def close(self, outcome_id: str, closing: Closing) -> Outcome:
        """Closes the outcome, keeps its team as history and writes WORKED_WITH, in
        one transaction; FailedPrecondition when it was closed meanwhile."""
        ...

    async def team_history(self, outcome_id: str, person_id: str) -> list[TeamMember]: ...

    async def closed_outcomes(self) -> list[ClosedOutcomeFacts]:
        """Every closed outcome with its team history and results, in one query."""
        ...

    async def forget_person(self, person_id: str) -> None:
        """Empties the person's id in team history and deletes their WORKED_WITH relations."""
        ...


class TrainingSkillsPort(SkillsPort, Protocol):
    """What training plans need from skills beyond what staffing needs."""

    async def courses(self) -> list[Course]: ...

    async def role_profiles(self, role_ids: Sequence[str]) -> list[RoleProfile]: ...

    async def record_training_level(
        self,
        person_id: str,
        skill_id: str,
        level: int,
        evidence: str,
        on: date,
        actor: str,
    ) -> None: ...


class TrainingPlanRepository(Protocol):
    async def add(self, record: PlanRecord) -> None: ...

    async def get(self, plan_id: str) -> PlanRecord: ...

    async def page(self, after: tuple[datetime, str] | None, limit: int) -> list[PlanRecord]: ...

    async def record_completion(
        self, plan_id: str, person_id: str, course_id: str, on: date
    ) -> PlanRecord: ...

    async def forget_person(self, person_id: str) -> None: ...
