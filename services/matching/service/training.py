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
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime

from services.common.errors import FailedPrecondition, InvalidArgument
from services.common.page_tokens import decode_dated_cursor, encode_dated_cursor
from services.matching.domain.learning import closed_outcome_refusal
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
    PlanCheckRecord,
    PlanRecord,
    RoleProfile,
    TrainingPlan,
    TrainingRequest,
    override_rounds,
    plan_check,
    record_of_plan,
)
from services.matching.service.ports import (
    LevelOverride,
    OutcomeRepository,
    StaffingRepository,
    TrainingPlanRepository,
    TrainingSkillsPort,
)
from services.matching.service.staffing import (
    Solver,
    StaffingLimits,
    WhatIfChange,
    apply_what_if,
    matrix_scope,
    run_solver,
)
from services.matching.service.training_commands import (
    DEFAULT_AVAILABLE_DAYS,
    CompletionCommand,
    PlanCommand,
    chosen_courses,
    validate_completion,
    validate_plan_command,
)

Planner = Callable[[TrainingRequest], TrainingPlan]

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# Candidate matrices asked of skills at once when pricing each course in fit.
FIT_QUERIES_AT_ONCE = 4


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
            chosen = await self.outcomes.get_many(list(dict.fromkeys(outcome_ids)))
            refusal = closed_outcome_refusal(chosen, doing="trained for")
            if refusal is not None:
                raise FailedPrecondition(refusal)
            return chosen
        return await self.outcomes.open_outcomes("", "", today)

    async def plan(self, command: PlanCommand) -> PlanRecord:
        now = self.clock()
        deadline = validate_plan_command(command, now.date())
        outcomes = await self._outcomes([o.strip() for o in command.outcome_ids], now.date())
        if not outcomes:
            raise FailedPrecondition("there are no open outcomes to plan training for")
        request, names = await self._request(command, outcomes, deadline, now.date())
        try:
            plan = await asyncio.to_thread(self.planner, request)
        except InvalidTrainingRequest as error:
            raise InvalidArgument.of("options", str(error)) from error
        baseline = request.baseline or await run_solver(self.solver, request.staffing)
        check, fits = await self._check(outcomes, baseline, plan, request.time_limit_s)
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
            names={person_id: name for person_id, name in names.items() if person_id in planned},
            titles={course.id: course.title for course in request.courses},
            check=check,
        )
        await self.plans.add(record)
        return record

    async def _courses(
        self, course_ids: Sequence[str], roles: Sequence[RoleProfile], coverage: Sequence[str]
    ) -> tuple[Course, ...]:
        """The courses asked for that can help: in a skill some role or coverage rule wants."""
        catalogue = chosen_courses(await self.skills.courses(), course_ids)
        wanted = set(coverage) | {r.skill_id for role in roles for r in role.requirements}
        return tuple(course for course in catalogue if course.skill_id in wanted)

    async def _request(
        self, command: PlanCommand, outcomes: Sequence[Outcome], deadline: date, today: date
    ) -> tuple[TrainingRequest, dict[str, str]]:
        """What the planner plans from (with the baseline staffing solved), and each
        candidate's name."""
        role_ids, coverage_skills, _ = matrix_scope(outcomes)
        roles = await self.skills.role_profiles(role_ids)
        courses = await self._courses(command.course_ids, roles, coverage_skills)
        skill_ids = sorted(set(coverage_skills) | {course.skill_id for course in courses})
        # Everyone counts: people below every slot's minimum are who training lifts.
        candidates = await self.skills.candidate_matrix(role_ids, skill_ids, 0.0)
        time_limit = self.limits.time_limit(command.time_limit_s)
        staffing = StaffingRequest(
            outcomes=tuple(outcomes),
            candidates=tuple(candidates),
            committed=tuple(await self.staffing.committed_work()),
            mode=Mode.SOFT,
            time_limit_s=time_limit,
            max_candidates_per_slot=self.limits.max_candidates_per_slot,
        )
        request = TrainingRequest(
            staffing=staffing,
            courses=courses,
            budget=command.budget,
            deadline=deadline,
            today=today,
            available_days=dict(command.available_days),
            default_available_days=command.default_available_days or DEFAULT_AVAILABLE_DAYS,
            roles=tuple(roles),
            fits_after=await self._fits_after(candidates, courses, role_ids, skill_ids),
            time_limit_s=time_limit,
            baseline=await run_solver(self.solver, staffing),
        )
        return request, {c.person_id: c.name for c in candidates}

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
            return plan_check(baseline, baseline, plan), {}
        role_ids, skill_ids, min_fit = matrix_scope(outcomes)
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
        return plan_check(baseline, after, plan), fits

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
        on = validate_completion(command, self.clock().date())
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
