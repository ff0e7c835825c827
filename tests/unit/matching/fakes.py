"""In-memory fakes of matching's repositories and of the skills port (as in
cosmicpython's FakeRepository): just enough behaviour for the use cases, the
rules themselves stay in the domain (the staffing fake commits through
`refusal_to_commit`, as the Neo4j repository does inside its transaction)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from services.common.errors import FailedPrecondition, NotFound
from services.matching.domain.model import Candidate, CommittedWork, Outcome
from services.matching.domain.proposals import (
    AssignmentRecord,
    AssignmentState,
    LaterCommit,
    ProposalRecord,
    refusal_to_commit,
)
from services.matching.domain.training import Course, PlanRecord, RoleProfile
from services.matching.service.ports import LevelOverride, OutcomePage
from tests.unit.matching.fake_skills import FakeSkills


@dataclass
class FakeOutcomeRepository:
    """Outcomes by id; every stored outcome running on a date is open then."""

    items: dict[str, Outcome] = field(default_factory=dict)

    async def add(self, outcome: Outcome) -> None:
        self.items[outcome.id] = outcome

    async def replace(self, outcome: Outcome) -> None:
        await self.get(outcome.id)
        self.items[outcome.id] = outcome

    async def get(self, outcome_id: str) -> Outcome:
        if outcome_id not in self.items:
            raise NotFound.of("outcome", outcome_id)
        return self.items[outcome_id]

    async def get_many(self, outcome_ids: Sequence[str]) -> list[Outcome]:
        return [await self.get(outcome_id) for outcome_id in outcome_ids]

    async def page(self, locality: str, page_size: int, after_id: str) -> OutcomePage:
        chosen = sorted(
            (o for o in self.items.values() if not locality or o.locality == locality),
            key=lambda o: o.id,
        )
        rest = [o for o in chosen if o.id > after_id]
        page = rest[:page_size]
        return OutcomePage(page, page[-1].id if len(rest) > page_size else "")

    async def open_outcomes(self, locality: str, role_id: str, on: date) -> list[Outcome]:
        return [
            o
            for o in self.items.values()
            if o.end >= on
            and (not locality or o.locality == locality)
            and (not role_id or any(s.role_id == role_id for s in o.slots))
        ]

    async def delete(self, outcome_id: str) -> None:
        await self.get(outcome_id)
        del self.items[outcome_id]

    def written(self, outcome_id: str) -> None:
        """Nothing kept: the items are the store."""


@dataclass
class _Line:
    record: AssignmentRecord
    sequence: int = 0


@dataclass
class FakeStaffingRepository:
    """Proposals and their lines; a commit takes the next sequence number.
    `earlier_work`: work committed before the test began."""

    earlier_work: list[CommittedWork] = field(default_factory=list)
    outcomes: FakeOutcomeRepository = field(default_factory=FakeOutcomeRepository)
    proposals: dict[str, ProposalRecord] = field(default_factory=dict)
    lines: list[_Line] = field(default_factory=list)
    sequence: int = 0

    async def committed_work(self) -> list[CommittedWork]:
        work = list(self.earlier_work)
        for line in self._in_state(AssignmentState.COMMITTED):
            a = line.record.assignment
            outcome = self.outcomes.items.get(a.outcome_id)
            start, end = (outcome.start, outcome.end) if outcome else (None, None)
            work.append(CommittedWork(a.person_id, a.outcome_id, a.role_id, a.fte, start, end))
        return work

    async def basis_and_committed_work(self) -> tuple[int, list[CommittedWork]]:
        return self.sequence, await self.committed_work()

    async def add_proposal(self, proposal: ProposalRecord) -> None:
        self.proposals[proposal.id] = proposal
        self.lines.extend(
            _Line(AssignmentRecord(line, AssignmentState.PROPOSED, proposal.id))
            for line in proposal.result.assignments
        )

    async def get_proposal(self, proposal_id: str) -> ProposalRecord:
        if proposal_id not in self.proposals:
            raise NotFound.of("proposal", proposal_id)
        return self.proposals[proposal_id]

    async def latest_proposal_for(self, outcome_ids: Sequence[str]) -> ProposalRecord | None:
        same = [p for p in self.proposals.values() if set(p.outcome_ids) == set(outcome_ids)]
        return max(same, key=lambda p: p.created_at, default=None)

    async def commit(
        self,
        proposal_id: str,
        actor: str,
        current_capacity: Mapping[str, float | None],
        at: datetime,
    ) -> ProposalRecord:
        proposal = await self.get_proposal(proposal_id)
        people = {line.person_id for line in proposal.result.assignments}
        later = [
            LaterCommit(line.sequence, a.person_id, a.outcome_id)
            for line in self.lines
            if line.sequence > proposal.basis_sequence
            for a in [line.record.assignment]
            if a.person_id in people or a.outcome_id in proposal.outcome_ids
        ]
        refusal = refusal_to_commit(proposal, later, current_capacity)
        if refusal is not None:
            raise FailedPrecondition(refusal)
        self.sequence += 1
        for line in self.lines:
            if line.record.proposal_id == proposal_id:
                line.record = replace(line.record, state=AssignmentState.COMMITTED)
                line.sequence = self.sequence
        committed = replace(proposal, committed=True, committed_at=at, committed_by=actor)
        self.proposals[proposal_id] = committed
        return committed

    async def assignments(self, outcome_id: str, person_id: str) -> list[AssignmentRecord]:
        kept = (AssignmentState.COMMITTED, AssignmentState.RELEASED)
        return [
            line.record
            for line in self.lines
            if line.record.state in kept
            and (not outcome_id or line.record.assignment.outcome_id == outcome_id)
            and (not person_id or line.record.assignment.person_id == person_id)
        ]

    async def release(self, outcome_id: str, person_id: str, actor: str, at: datetime) -> None:
        found = [
            line
            for line in self._in_state(AssignmentState.COMMITTED)
            if (line.record.assignment.outcome_id, line.record.assignment.person_id)
            == (outcome_id, person_id)
        ]
        if not found:
            raise NotFound(f"no committed assignment of {person_id!r} on outcome {outcome_id!r}")
        for line in found:
            line.record = replace(line.record, state=AssignmentState.RELEASED)

    async def forget_person(self, person_id: str) -> None:
        for line in self.lines:
            if line.record.assignment.person_id != person_id:
                continue
            proposal = self.proposals[line.record.proposal_id]
            if not proposal.committed:
                self.proposals[proposal.id] = replace(
                    proposal, stale_reason="a person in it was erased"
                )
        self.lines = [line for line in self.lines if line.record.assignment.person_id != person_id]

    def _in_state(self, state: AssignmentState) -> list[_Line]:
        return [line for line in self.lines if line.record.state == state]


@dataclass
class FakeTrainingPlanRepository:
    plans: dict[str, PlanRecord] = field(default_factory=dict)

    async def add(self, record: PlanRecord) -> None:
        self.plans[record.id] = record

    async def get(self, plan_id: str) -> PlanRecord:
        if plan_id not in self.plans:
            raise NotFound.of("training plan", plan_id)
        return self.plans[plan_id]

    async def page(self, after: tuple[datetime, str] | None, limit: int) -> list[PlanRecord]:
        newest_first = sorted(self.plans.values(), key=lambda p: (p.created_at, p.id), reverse=True)
        return [p for p in newest_first if after is None or (p.created_at, p.id) < after][:limit]

    async def record_completion(
        self, plan_id: str, person_id: str, course_id: str, on: date
    ) -> PlanRecord:
        updated = (await self.get(plan_id)).with_completion(person_id, course_id, on)
        self.plans[plan_id] = updated
        return updated

    async def forget_person(self, person_id: str) -> None:
        for plan_id, record in self.plans.items():
            kept = tuple(p for p in record.people if p.person_id != person_id)
            fillable = tuple(f for f in record.fillable if f.person_id != person_id)
            self.plans[plan_id] = replace(record, people=kept, fillable=fillable)


@dataclass(frozen=True)
class RecordedLevel:
    person_id: str
    skill_id: str
    level: int
    evidence: str
    on: date
    actor: str


@dataclass
class FakeTrainingSkills(FakeSkills):
    """The skills port with the training catalogue, role profiles and level writes."""

    catalogue_courses: list[Course] = field(default_factory=list)
    profiles: list[RoleProfile] = field(default_factory=list)
    recorded: list[RecordedLevel] = field(default_factory=list)

    async def candidate_matrix(
        self,
        role_ids: Sequence[str],
        skill_ids: Sequence[str],
        min_fit: float,
        level_overrides: Sequence[LevelOverride] = (),
    ) -> list[Candidate]:
        """Fits from the role profiles over the levels after the overrides, as the
        skills service would compute them (no neighbouring skills, no evidence age)."""
        rows = await super().candidate_matrix(role_ids, skill_ids, min_fit, level_overrides)
        return [replace(row, fits={**row.fits, **self._fits(row)}) for row in rows]

    def _fits(self, row: Candidate) -> dict[str, float]:
        fits = {}
        for profile in self.profiles:
            weights = sum(r.weight for r in profile.requirements)
            credit = sum(
                r.weight * min(1.0, row.levels.get(r.skill_id, 0) / r.min_level)
                for r in profile.requirements
            )
            fits[profile.role_id] = round(credit / weights, 6) if weights else 0.0
        return fits

    async def courses(self) -> list[Course]:
        return list(self.catalogue_courses)

    async def role_profiles(self, role_ids: Sequence[str]) -> list[RoleProfile]:
        return [profile for profile in self.profiles if profile.role_id in role_ids]

    async def record_training_level(
        self, person_id: str, skill_id: str, level: int, evidence: str, on: date, actor: str
    ) -> None:
        self.recorded.append(RecordedLevel(person_id, skill_id, level, evidence, on, actor))
