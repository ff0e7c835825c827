"""Use cases of training plans: plan from the open outcomes and the skills
catalogue, check the plan with the staffing model, store it, and record
completions as levels in skills.

The check is the staffing what-if path itself: the candidate matrix is asked
again from skills with the plan's levels as overrides (so fits come from the
skills service's own fit rule, not the planner's estimate), the levels are
written in as a what-if, and staffing is solved; each slot the plan claims
must come out filled."""

from __future__ import annotations

import asyncio
import math
import uuid
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Protocol

from services.common.errors import FailedPrecondition, InvalidArgument, Violations
from services.common.page_tokens import decode_dated_cursor, encode_dated_cursor
from services.matching.domain.model import (
    Candidate,
    Mode,
    Outcome,
    StaffingRequest,
    StaffingResult,
)
from services.matching.domain.training import (
    Course,
    CourseOutcome,
    FitAfter,
    InvalidTrainingRequest,
    RoleProfile,
    SlotCheck,
    TrainingPlan,
    TrainingRequest,
    override_rounds,
)
from services.matching.domain.training_plans import PlanCheckRecord, PlanRecord, record_of_plan
from services.matching.service.ports import (
    LevelOverride,
    OutcomeRepository,
    SkillsPort,
    StaffingRepository,
)
from services.matching.service.staffing import (
    Solver,
    StaffingLimits,
    WhatIfChange,
    apply_what_if,
    matrix_scope,
    run_solver,
)

Planner = Callable[[TrainingRequest], TrainingPlan]

DEFAULT_AVAILABLE_DAYS = 10.0
MAX_AVAILABLE_DAYS = 260.0
MAX_COURSE_IDS = 10_000
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_NOTE_CHARS = 2_000
# Candidate matrices asked of skills at once when pricing each course in fit.
FIT_QUERIES_AT_ONCE = 4


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


@dataclass(frozen=True)
class PlanCommand:
    outcome_ids: tuple[str, ...]
    budget: float
    deadline: str
    time_limit_s: float = 0.0
    default_available_days: float = 0.0
    available_days: Mapping[str, float] = field(default_factory=dict)
    course_ids: tuple[str, ...] = ()
    actor: str = ""


@dataclass(frozen=True)
class CompletionCommand:
    plan_id: str
    person_id: str
    course_id: str
    completed_on: str = ""
    note: str = ""
    actor: str = ""


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def validate_plan_command(command: PlanCommand, today: date) -> date:
    """The deadline, once every field of the command is known good."""
    violations = Violations()
    violations.check(
        math.isfinite(command.budget) and command.budget >= 0, "budget", "must be zero or more"
    )
    deadline = _day(command.deadline)
    if not command.deadline:
        violations.add("deadline", "is required (YYYY-MM-DD)")
    elif deadline is None:
        violations.add("deadline", "must be an ISO date YYYY-MM-DD")
    elif deadline is not None and deadline < today:
        violations.add("deadline", f"must not be before today ({today.isoformat()})")
    violations.check(
        math.isfinite(command.time_limit_s) and command.time_limit_s >= 0,
        "options.time_limit_s",
        "must not be negative",
    )
    violations.check(
        math.isfinite(command.default_available_days)
        and 0 <= command.default_available_days <= MAX_AVAILABLE_DAYS,
        "options.default_available_days",
        f"must be between 0 and {MAX_AVAILABLE_DAYS:g}",
    )
    for person_id, days in command.available_days.items():
        where = f"options.available_days[{person_id}]"
        violations.check(bool(person_id.strip()), where, "names no person")
        violations.check(
            math.isfinite(days) and 0 <= days <= MAX_AVAILABLE_DAYS,
            where,
            f"must be between 0 and {MAX_AVAILABLE_DAYS:g}",
        )
    violations.check(
        len(command.course_ids) <= MAX_COURSE_IDS, "options.course_ids", "too many courses"
    )
    for index, outcome_id in enumerate(command.outcome_ids):
        violations.check(bool(outcome_id.strip()), f"outcome_ids[{index}]", "must not be empty")
    violations.raise_if_any()
    assert deadline is not None
    return deadline


def slot_checks(
    baseline: StaffingResult, after: StaffingResult, plan: TrainingPlan
) -> tuple[SlotCheck, ...]:
    """Per slot the plan claims: places filled before plus places claimed, against
    places the re-run fills."""
    before = Counter((a.outcome_id, a.role_id) for a in baseline.assignments)
    filled = Counter((a.outcome_id, a.role_id) for a in after.assignments)
    claims = Counter((f.outcome_id, f.role_id) for f in plan.fillable)
    return tuple(
        SlotCheck(key[0], key[1], before[key] + count, filled[key])
        for key, count in sorted(claims.items())
    )


def with_fits_after(plan: TrainingPlan, fits: Mapping[str, Mapping[str, float]]) -> TrainingPlan:
    """The plan with the fits skills computes for its people after all their courses,
    in place of the planner's sum of one-course gains (which overstates where two
    courses credit the same requirement)."""
    if not fits:
        return plan
    fillable = tuple(
        replace(place, fit_after=fits[place.person_id].get(place.role_id, place.fit_after))
        if place.person_id in fits
        else place
        for place in plan.fillable
    )
    people = tuple(
        replace(
            person,
            fits_after={
                role: fits.get(person.person_id, {}).get(role, fit)
                for role, fit in person.fits_after.items()
            },
        )
        for person in plan.people
    )
    return replace(plan, fillable=fillable, people=people)


class TrainingService:
    def __init__(
        self,
        outcomes: OutcomeRepository,
        staffing: StaffingRepository,
        skills: TrainingSkillsPort,
        plans: TrainingPlanRepository,
        solver: Solver,
        planner: Planner,
        limits: StaffingLimits,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.outcomes = outcomes
        self.staffing = staffing
        self.skills = skills
        self.plans = plans
        self.solver = solver
        self.planner = planner
        self.limits = limits
        self.clock = clock

    async def _outcomes(self, outcome_ids: Sequence[str], today: date) -> list[Outcome]:
        if outcome_ids:
            return await self.outcomes.get_many(list(dict.fromkeys(outcome_ids)))
        return await self.outcomes.open_outcomes("", "", today)

    async def plan(self, command: PlanCommand) -> PlanRecord:
        now = self.clock()
        today = now.date()
        deadline = validate_plan_command(command, today)
        outcomes = await self._outcomes([o.strip() for o in command.outcome_ids], today)
        if not outcomes:
            raise FailedPrecondition("there are no open outcomes to plan training for")
        role_ids, coverage_skills, min_fit = matrix_scope(outcomes)
        roles = await self.skills.role_profiles(role_ids)
        catalogue = await self.skills.courses()
        if command.course_ids:
            known = {course.id for course in catalogue}
            violations = Violations()
            for index, course_id in enumerate(command.course_ids):
                violations.check(
                    course_id in known, f"options.course_ids[{index}]", "names no known course"
                )
            violations.raise_if_any()
            chosen = set(command.course_ids)
            catalogue = [course for course in catalogue if course.id in chosen]
        # Only courses in a skill that some role or coverage rule asks for can help.
        wanted = set(coverage_skills) | {r.skill_id for role in roles for r in role.requirements}
        courses = tuple(course for course in catalogue if course.skill_id in wanted)
        skill_ids = sorted(set(coverage_skills) | {course.skill_id for course in courses})
        # Everyone counts: people below every slot's minimum are who training lifts.
        candidates = await self.skills.candidate_matrix(role_ids, skill_ids, 0.0)
        committed = tuple(await self.staffing.committed_work())
        time_limit = self.limits.time_limit(command.time_limit_s)
        staffing = StaffingRequest(
            outcomes=tuple(outcomes),
            candidates=tuple(candidates),
            committed=committed,
            mode=Mode.SOFT,
            time_limit_s=time_limit,
            max_candidates_per_slot=self.limits.max_candidates_per_slot,
        )
        baseline = await run_solver(self.solver, staffing)
        fits_after = await self._fits_after(candidates, courses, role_ids, skill_ids)
        request = TrainingRequest(
            staffing=staffing,
            courses=courses,
            budget=command.budget,
            deadline=deadline,
            today=today,
            available_days=dict(command.available_days),
            default_available_days=command.default_available_days or DEFAULT_AVAILABLE_DAYS,
            roles=tuple(roles),
            fits_after=fits_after,
            time_limit_s=time_limit,
            baseline=baseline,
        )
        try:
            plan = await asyncio.to_thread(self.planner, request)
        except InvalidTrainingRequest as error:
            raise InvalidArgument.of("options", str(error)) from error
        check, fits = await self._check(outcomes, baseline, plan, min_fit, time_limit)
        plan = with_fits_after(plan, fits)
        planned = {p.person_id for p in plan.people}
        record = record_of_plan(
            plan,
            plan_id=uuid.uuid4().hex,
            created_at=now,
            created_by=command.actor,
            outcome_ids=tuple(o.id for o in outcomes),
            budget=command.budget,
            deadline=deadline,
            names={c.person_id: c.name for c in candidates if c.person_id in planned},
            titles={course.id: course.title for course in courses},
            check=check,
        )
        await self.plans.add(record)
        return record

    async def _fits_after(
        self,
        candidates: Sequence[Candidate],
        courses: Sequence[Course],
        role_ids: Sequence[str],
        skill_ids: Sequence[str],
    ) -> tuple[FitAfter, ...]:
        """Each person's fits after each course they may take, from skills' own fit
        rule (neighbouring skills and evidence age as skills weighs them): one
        candidate matrix per round of `override_rounds`, each person's level of
        that round as an override."""
        side_by_side = asyncio.Semaphore(FIT_QUERIES_AT_ONCE)

        async def after(round_: Mapping[str, CourseOutcome]) -> list[FitAfter]:
            overrides = [
                LevelOverride(person_id, taken.skill_id, taken.level)
                for person_id, taken in round_.items()
            ]
            async with side_by_side:
                rows = await self.skills.candidate_matrix(role_ids, skill_ids, 0.0, overrides)
            return [
                FitAfter(row.person_id, course_id, dict(row.fits))
                for row in rows
                if row.person_id in round_
                for course_id in round_[row.person_id].course_ids
            ]

        rounds = await asyncio.gather(*(after(r) for r in override_rounds(candidates, courses)))
        return tuple(fit for found in rounds for fit in found)

    async def _check(
        self,
        outcomes: Sequence[Outcome],
        baseline: StaffingResult,
        plan: TrainingPlan,
        min_fit: float,
        time_limit: float,
    ) -> tuple[PlanCheckRecord, dict[str, dict[str, float]]]:
        """The staffing re-run, and each trained person's fits with all the plan's
        levels at once as skills computes them."""
        changes = tuple(
            LevelOverride(person.person_id, skill_id, level)
            for person in plan.people
            for skill_id, level in sorted(person.levels_after.items())
        )
        if not changes:
            record = PlanCheckRecord(
                status=baseline.status, slots=slot_checks(baseline, baseline, plan)
            )
            return record, {}
        role_ids, skill_ids, _ = matrix_scope(outcomes)
        candidates = await self.skills.candidate_matrix(role_ids, skill_ids, 0.0, changes)
        trained_ids = {change.person_id for change in changes}
        fits = {c.person_id: dict(c.fits) for c in candidates if c.person_id in trained_ids}
        candidates = [c for c in candidates if max(c.fits.values(), default=0.0) >= min_fit]
        staffed, trained = apply_what_if(outcomes, candidates, WhatIfChange(level_changes=changes))
        request = StaffingRequest(
            outcomes=tuple(staffed),
            candidates=tuple(trained),
            committed=tuple(await self.staffing.committed_work()),
            mode=Mode.SOFT,
            time_limit_s=time_limit,
            max_candidates_per_slot=self.limits.max_candidates_per_slot,
        )
        after = await run_solver(self.solver, request)
        record = PlanCheckRecord(status=after.status, slots=slot_checks(baseline, after, plan))
        return record, fits

    async def get(self, plan_id: str) -> PlanRecord:
        if not plan_id.strip():
            raise InvalidArgument.of("id", "is required")
        return await self.plans.get(plan_id)

    async def list(self, page_size: int, page_token: str) -> tuple[list[PlanRecord], str]:
        if not 0 <= page_size <= MAX_PAGE_SIZE:
            raise InvalidArgument.of("page_size", f"must be between 0 and {MAX_PAGE_SIZE}")
        size = page_size or DEFAULT_PAGE_SIZE
        records = await self.plans.page(decode_dated_cursor(page_token), size + 1)
        page = records[:size]
        token = encode_dated_cursor(page[-1].created_at, page[-1].id) if len(records) > size else ""
        return page, token

    async def record_completion(self, command: CompletionCommand) -> PlanRecord:
        violations = Violations()
        for name in ("plan_id", "person_id", "course_id"):
            violations.check(bool(getattr(command, name).strip()), name, "is required")
        on = self.clock().date()
        if command.completed_on:
            parsed = _day(command.completed_on)
            if parsed is None:
                violations.add("completed_on", "must be an ISO date YYYY-MM-DD")
            elif parsed > on:
                violations.add("completed_on", "must not be in the future")
            else:
                on = parsed
        violations.check(
            len(command.note) <= MAX_NOTE_CHARS,
            "note",
            f"must be at most {MAX_NOTE_CHARS} characters",
        )
        violations.raise_if_any()
        record = await self.plans.get(command.plan_id)
        enrolment = record.enrolment(command.person_id, command.course_id)
        if enrolment is None:
            raise InvalidArgument.of(
                "course_id", f"is not planned for {command.person_id} in this plan"
            )
        if enrolment.completed_on is not None:
            raise FailedPrecondition(
                f"{command.person_id} already completed {command.course_id} "
                f"on {enrolment.completed_on.isoformat()}"
            )
        title = enrolment.course_title or enrolment.course_id
        evidence = f"Completed {title} ({enrolment.course_id}), training plan {record.id}"
        if command.note.strip():
            evidence += f": {command.note.strip()}"
        await self.skills.record_training_level(
            command.person_id, enrolment.skill_id, enrolment.to_level, evidence, on, command.actor
        )
        return await self.plans.record_completion(
            command.plan_id, command.person_id, command.course_id, on
        )
