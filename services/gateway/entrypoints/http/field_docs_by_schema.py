"""Descriptions of fields whose name means something else in one schema than
in the others: (schema, field) to description, read before field_docs.FIELDS."""

from __future__ import annotations

from services.gateway.entrypoints.http.field_docs import DATE, LEVELS

SCHEMA_FIELDS: dict[tuple[str, str], str] = {
    ("AuditEntry", "status"): "HTTP status the change was answered with.",
    ("AuditEntry", "id"): "Id of the audit entry.",
    ("ApiKey", "id"): "Id of the key (key_...), used to revoke it; not the key itself.",
    ("IssuedKey", "id"): "Id of the key (key_...), used to revoke it; not the key itself.",
    ("RowError", "id"): "Id named in the row (person, course or concept URI); empty when none.",
    ("Proposal", "id"): "Id of the stored proposal, to commit it; null for a what-if.",
    ("RequirementFit", "status"): "met, partial (credited through another skill or below "
    "the level) or missing.",
    ("RequirementFit", "level"): f"The person's level in the skill ({LEVELS}; 0: not held).",
    ("Proposal", "status"): "optimal, feasible, infeasible or timed_out (with the best found).",
    ("PlanCheck", "status"): "Solver status of the staffing re-run.",
    ("TrainingPlan", "status"): "Solver status of the plan: optimal, feasible, infeasible or "
    "timed_out.",
    ("ImportReport", "kind"): "Which file it was: people, courses, or the ESCO file "
    "(skills, groups, broader, relations).",
    ("UnmetDemand", "kind"): "place or coverage.",
    ("Clearance", "kind"): "Kind of clearance, e.g. dbs; slots ask for it by this name.",
    ("ClearanceOut", "kind"): "Kind of clearance, e.g. dbs.",
    ("Course", "kind"): "course, mentoring, shadowing or secondment.",
    ("CourseCreate", "kind"): "course, mentoring, shadowing or secondment; default course.",
    ("CourseReplace", "kind"): "course, mentoring, shadowing or secondment; default course.",
    ("Course", "cost"): "Price of one place in pounds; 0: free.",
    ("CourseCreate", "cost"): "Price of one place in pounds, 0 to 1,000,000,000; 0: free.",
    ("CourseReplace", "cost"): "Price of one place in pounds, 0 to 1,000,000,000; 0: free.",
    ("Weights", "fit"): "Weight of priority-weighted fit in the objective, at least 0; 0 "
    "keeps the default.",
    ("Weights", "cost"): "Weight of cost (towards cheaper teams), at least 0; 0 keeps the default.",
    ("Weights", "locality"): "Weight of local staff, at least 0; 0 keeps the default.",
    ("TeamRules", "locality"): "any, prefer_local or local_only; default any.",
    ("TeamRulesOut", "locality"): "any, prefer_local or local_only.",
    ("Assignment", "cost"): "Cost of the assignment in pounds (day rate times days times fte).",
    ("Team", "cost"): "Cost of the team in pounds.",
    ("PersonPlan", "cost"): "Cost of the person's enrolments in pounds.",
    ("Enrolment", "cost"): "Price of the place in pounds.",
    ("Proposal", "committed"): "Whether the proposal was committed: its people are then staffed.",
    ("RoleDemand", "committed"): "Places of the role's slots already committed (not demand).",
    ("SlotGap", "committed"): "Places of the slot already committed (not demand).",
    ("RoleDemand", "demanded"): "Open places of the role's slots in the report.",
    ("RoleDemand", "supply"): "Distinct people who could take an open place in any of the "
    "role's slots in the report.",
    ("SlotGap", "supply"): "People who could take one of the slot's open places (the "
    "proposal's filters).",
    ("RoleDemand", "unfilled"): "Open places of the role that stay empty: staffing's answer "
    "when solved, else the open places beyond the people who could take them.",
    ("SlotGap", "unfilled"): "Open places of the slot that stay empty: staffing's answer when "
    "solved, else the open places beyond the people who could take them (a floor).",
    ("Gaps", "slots"): "Per slot of the report: places, committed, open, supply and unfilled.",
    ("Gaps", "skills"): "Demand against supply per skill of the coverage rules.",
    ("Person", "skills"): "The person's levels as they count now, one per skill.",
    ("Candidate", "fit"): "The candidate's fit with its explanation.",
    ("ClosePerson", "fit"): "The person's fit now, 0 to 1.",
    ("ClosePerson", "name"): "The person's name.",
    ("PersonPlan", "name"): "The person's name.",
    ("Role", "name"): "Name of the role.",
    ("ApiKey", "name"): "What the key is for, 1 to 200 characters.",
    ("IssuedKey", "name"): "What the key is for, 1 to 200 characters.",
    ("KeyCreate", "name"): "What the key is for, 1 to 200 characters.",
    ("Slot", "count"): "How many people the slot takes, 1 to 1,000.",
    ("SlotOut", "count"): "How many people the slot takes.",
    ("BlockedSlot", "count"): "Places that cannot be filled.",
    ("Unfilled", "count"): "Places left empty.",
    ("UnmetDemand", "count"): "Places or people still missing.",
    ("PlanRequest", "budget"): "Money for training in pounds, 0 to 1,000,000,000,000.",
    ("TrainingPlan", "budget"): "Money for training in pounds.",
    ("PlanRequest", "outcome_ids"): "Outcomes to plan for; empty: every open outcome.",
    ("TrainingPlan", "outcome_ids"): "Outcomes planned for.",
    ("ProposalRequest", "outcome_ids"): "Outcomes to staff together, 1 to 500.",
    ("TrainingPlan", "level_changes"): "Levels the plan raises, as what-if changes.",
    ("PlanOptions", "time_limit_s"): "Seconds the solver may take, above 0 up to 120; default 10.",
    ("ProposalRequest", "time_limit_s"): "Seconds the solver may take, above 0 up to 300; "
    "default 10.",
    ("PlanCheck", "slots"): "Per slot, places claimed and filled.",
    ("TrainingPlan", "created_at"): "When the plan was made (ISO 8601 with time zone).",
    ("TrainingPlan", "deadline"): f"{DATE}: every course of the plan ends by then.",
    ("Run", "start"): f"{DATE}: first day of the run.",
    ("Run", "end"): f"{DATE}: last day of the run.",
    ("CourseRun", "start"): f"{DATE}: first day of the run.",
    ("CourseRun", "end"): f"{DATE}: last day of the run.",
    ("Outcome", "state"): "open, or closed with an assessment (POST /v1/outcomes/{id}/close).",
    ("Measure", "target"): "Where the measure should get to, in its unit.",
    ("MeasureOut", "target"): "Where the measure should get to, in its unit.",
    ("Measure", "name"): "What is measured, 1 to 200 characters.",
    ("MeasureOut", "name"): "What is measured.",
    ("Contribution", "organisation"): "Who puts the money in, at most 500 characters.",
    ("ContributionOut", "organisation"): "Who puts the money in.",
    ("ContributionUse", "organisation"): "Who put the money in.",
    ("Contribution", "sector"): "Sector of the organisation that puts the money in.",
    ("ContributionOut", "sector"): "Sector of the organisation that puts the money in.",
    ("ContributionUse", "sector"): "Sector of the organisation that put the money in.",
    ("Contribution", "amount"): "Money put in, in pounds, 0 to 1,000,000,000,000.",
    ("ResultRecord", "value"): "The measure's value, in its unit.",
    ("ResultRecord", "source"): "Where the figure comes from (a survey, a register); at most "
    "500 characters.",
    ("Result", "source"): "Where the figure comes from; empty when not said.",
    ("ResultRecord", "note"): "Free text kept with the result, at most 500 characters.",
    ("Closing", "note"): "Free text kept with the assessment, at most 500 characters.",
    ("Closing", "closed_on"): f"{DATE} the outcome closes; absent: today.",
    ("TeamMember", "person_id"): "Id of the person; null once the person was erased (their "
    "role, sector and FTE stay).",
    ("TeamMember", "start"): f"{DATE}: first day on the team.",
    ("TeamMember", "end"): f"{DATE}: last day on the team.",
    ("TeamMember", "fit"): "The person's fit for the role when committed, 0 to 1.",
    ("TeamMember", "fte"): "Full-time equivalents given to the outcome.",
    ("LearningGroup", "key"): "The group: a locality, preventative or responsive, or a "
    "priority 1 to 5.",
    ("LearningGroup", "contributions"): "Pooled budget contributions of the group's outcomes, "
    "totalled by sector.",
    ("SectorAmount", "sector"): "Sector of the contributing organisations.",
    ("SectorAmount", "amount"): "Money in pounds contributed by that sector.",
    ("LearningFigure", "name"): "What the figure is: met_share (share of outcomes met; met "
    "counts 1, partly met 0.5, not met 0), progress (mean progress from baseline towards "
    "target, 1 = reached), community_share, "
    "sector_share_public / _private / _third_sector (shares of team members), sector_count "
    "(mean distinct sectors per team), role_coverage, mean_fit.",
    ("LearningFigure", "label"): "The figure's name in words, for display.",
    ("LearningFigure", "value"): "The figure over the group; null when withheld (the group, or "
    "the outcomes the figure rests on, are under the minimum size) or when nothing was counted.",
    ("LearningFigure", "count"): "How many outcomes (or members, or results) the figure rests on.",
    ("Team", "contributions"): "The team's cost against each budget contribution of its "
    "outcome; empty when the budget is not pooled.",
    ("Weights", "fairness"): "Weight of the fairness rule (ProposalRequest.fairness), at least "
    "0; absent or 0: the default.",
}
