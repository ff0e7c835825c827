"""Training plans: who takes which course so that the most priority-weighted
demand that staffing leaves open becomes staffable. Plain Python over the
staffing domain's data; CP-SAT decides.

The plan starts from a staffing result (the baseline): its assignments stay,
and the plan targets the places it leaves unfilled and the skill-coverage
rules it leaves short. Fits after training come from the caller (`fits_after`,
computed with the skills service's fit rule; when given it is the whole truth
and a pair it does not name gains nothing) or else from the role requirements
in `roles` with the own-skill credit of that rule. Gains of courses in
different skills add up; where they overlap (two skills crediting one
requirement) that overstates the fit, which the plan check shows.

Modules, in the order a plan is made: `catalogue`, `fits` and `request` (what
is asked), `gains` and `options` (what a course is worth to whom),
`preparation` (the open demand and who can be trained into it), `greedy` and
`model` (the two ways to choose), `assembly` and `plan` (the answer),
`planner` (both planners end to end), `check` (staffing re-run with the
plan's levels) and `records` (a stored plan).
"""

from services.matching.domain.training.catalogue import (
    Course,
    CourseKind,
    CourseRun,
    RoleProfile,
    RoleRequirement,
)
from services.matching.domain.training.check import (
    PlanCheckRecord,
    SlotCheck,
    plan_check,
    slot_checks,
    trained_request,
)
from services.matching.domain.training.fits import CourseOutcome, FitAfter, override_rounds
from services.matching.domain.training.plan import (
    CoverageMet,
    Enrolment,
    FillablePlace,
    PersonPlan,
    TrainingPlan,
    UnmetDemand,
)
from services.matching.domain.training.planner import greedy_training, plan_training
from services.matching.domain.training.records import (
    PlannedEnrolment,
    PlannedPerson,
    PlanRecord,
    record_of_plan,
)
from services.matching.domain.training.request import (
    InvalidTrainingRequest,
    TrainingRequest,
    TrainingWeights,
)

__all__ = [
    "Course",
    "CourseKind",
    "CourseOutcome",
    "CourseRun",
    "CoverageMet",
    "Enrolment",
    "FillablePlace",
    "FitAfter",
    "InvalidTrainingRequest",
    "PersonPlan",
    "PlanCheckRecord",
    "PlanRecord",
    "PlannedEnrolment",
    "PlannedPerson",
    "RoleProfile",
    "RoleRequirement",
    "SlotCheck",
    "TrainingPlan",
    "TrainingRequest",
    "TrainingWeights",
    "UnmetDemand",
    "greedy_training",
    "override_rounds",
    "plan_check",
    "plan_training",
    "record_of_plan",
    "slot_checks",
    "trained_request",
]
