"""What each field and parameter of the HTTP API means: units, ranges,
defaults, and what 0 or empty means.

One table by field name (most names mean the same everywhere), overridden by
(schema, field) where a name means something else in one schema (in
field_docs_by_schema.py); one of query, path and header parameters. The OpenAPI
document takes a field's description from here unless the model gives one;
tests/unit/gateway/test_openapi.py fails while any field or parameter has none.
"""

from __future__ import annotations

LEVELS = "1 awareness, 2 working, 3 practitioner, 4 expert"
DATE = "ISO date (YYYY-MM-DD)"

FIELDS: dict[str, str] = {
    # Identity and text
    "id": "Stable id chosen by the client (or made up by the gateway where it says so): "
    "1 to 200 characters without white space, control characters, '/', '?', '#' or '\\', "
    "and not '.' or '..'.",
    "related_skill_id": "Id of the skill related to skill_id.",
    "actor": "Who made the change: the API key id (or the import) that wrote it.",
    "name": "Display name, 1 to 200 characters.",
    "title": "Short title, 1 to 200 characters.",
    "description": "Free text, at most 10,000 characters; empty when there is none.",
    "label": "The skill's preferred label (for ESCO skills, ESCO's preferredLabel).",
    "alt_labels": "Other names of the skill (ESCO's altLabels), each 1 to 200 characters; "
    "search finds a skill by them too.",
    "uri": "The concept URI the skill came from (ESCO's conceptUri); empty for skills made here.",
    "broader": "Ids of the broader skills or skill groups (a skill may have several parents).",
    "narrower": "Ids of the skills whose broader skill this is (read only).",
    "related": "Skills related to this one with their similarity (read only; set through ESCO "
    "imports or the skills service).",
    "similarity": "0 to 1: the share of credit fit gives a person holding this related skill "
    "instead (ESCO essential 0.5, optional 0.25).",
    "person_id": "Id of a person.",
    "role_id": "Id of a role (storyteller, weaver, architect, navigator, or a custom role).",
    "outcome_id": "Id of a commissioned outcome.",
    "skill_id": "Id of a skill in the catalogue (for ESCO skills, the UUID that ends its URI).",
    "course_id": "Id of a course in the training catalogue.",
    "key_id": "Id of an API key (key_...), never the key itself.",
    "person_ids": "Ids of people.",
    "outcome_ids": "Ids of outcomes.",
    "course_ids": "Only these courses; empty: the whole catalogue.",
    "blocking_skill_ids": "Skills whose shortage keeps the slot empty.",
    "remove_person_ids": "People who leave, as if they were not there.",
    "exclusions": "Ids of people not to staff.",
    # People
    "sector": "public, private, third_sector or community (citizens and volunteers).",
    "organisation": "Employer's name or id; empty for none (citizens, volunteers).",
    "locality": "Ward or town the person or outcome belongs to; empty for none.",
    "capacity_fte": "Working time available, 0 to 1 full-time equivalents; default 1. "
    "0 means not available for staffing.",
    "day_rate": "Cost per working day in pounds, 0 to 1,000,000; 0 for volunteers and "
    "citizens, who cost nothing.",
    "clearances": "Checks the person holds (e.g. a DBS check), each with its expiry.",
    "kind": "What kind of thing it is; the values are listed with the schema.",
    "expires": f"{DATE}: the clearance does not count from the day after.",
    "available_from": f"{DATE}: first day the person can be staffed; null: no limit.",
    "available_until": f"{DATE}: last day the person can be staffed; null: no limit.",
    "skills": "The person's levels as they count now, one per skill.",
    "level": f"Level in the skill: {LEVELS}.",
    "evidence": "What shows the level (a course, a piece of work), at most 10,000 characters.",
    "source": "Who says so: self, manager, training, assessment or certificate (default "
    "self); an assessed or certified level outranks a self-declared one.",
    "valid_until": f"{DATE} after which the level no longer counts; null: no expiry.",
    "assessed_by": "Who assessed the level; empty: the API key that set it.",
    "assessed_at": f"{DATE} of the assessment; null on input means today. Old evidence "
    "counts for less.",
    # Fit
    "fit": "Role fit, 0 (nothing of the role) to 1 (every requirement met).",
    "requirements": "The role's requirements, each a skill at a minimum level.",
    "min_level": f"Minimum level the requirement or rule asks for: {LEVELS}.",
    "weight": "Relative weight of the requirement in the fit, above 0 up to 100; default 1.",
    "essential": "Whether the requirement is essential: below its level it is a gap that "
    "the explanation names.",
    "credit": "Credit earned for the requirement, 0 to 1: min(1, level / min_level), "
    "discounted when earned through a broader, narrower or related skill.",
    "via_skill_id": "The skill the credit came through when the person lacks the skill "
    "itself; null when none.",
    "essential_gaps": "Essential requirements below their level, by skill id.",
    "steps": "What to learn, in order of what raises fit most; empty when nothing would.",
    "from_level": f"Level before ({LEVELS}; 0: not held).",
    "to_level": f"Level after ({LEVELS}).",
    "fit_gain": "How much the step raises fit, 0 to 1.",
    "fit_after": "Fit once the step (or plan) is taken, 0 to 1.",
    "fit_before": "Fit before the plan, 0 to 1.",
    "person": "The person.",
    # Outcomes
    "priority": "1 (lowest) to 5 (highest); default 3. Staffing weighs each outcome's fit by it.",
    "budget": "Money for the outcome's team in pounds (day rates times days); 0: no budget limit.",
    "start": f"{DATE}: first day.",
    "end": f"{DATE}: last day.",
    "days": "Working days each team member gives, 0 to 10,000; 0: cost is not counted.",
    "slots": "Places to staff, each for one role.",
    "count": "How many.",
    "fte": "Full-time equivalents, above 0 up to 1; default 1.",
    "min_fit": "Minimum role fit for the slot, 0 to 1; 0: anyone.",
    "clearance": "A clearance kind the slot requires (e.g. dbs); empty: none. An expired "
    "one does not count.",
    "skill_coverage": "Team-level rules: at least min_people members at min_level in a skill.",
    "min_people": "At least this many team members, 1 to 1,000.",
    "rules": "Team rules of the outcome.",
    "min_sectors": "Minimum distinct sectors in the team, 0 to 4; 0: no rule.",
    "max_sector_share": "Maximum share of the team from any one sector, 0 to 1; 0: no rule.",
    "min_community_members": "Minimum community-sector members (co-production), 0 to "
    "1,000; 0: no rule.",
    "exclude_commissioned_organisation": "Whether people of the commissioned organisation are "
    "kept off the team (conflict of interest); default false.",
    "commissioned_organisation": "The organisation the outcome commissions; empty: none.",
    # Staffing
    "pins": "Assignments that must be in the answer.",
    "time_limit_s": "Seconds the solver may take, above 0; default 10.",
    "mode": "soft: unfilled slots are allowed and reported; strict: all slots or an "
    "infeasible answer naming the rules that conflict. Default soft.",
    "weights": "Weights of the objective's terms; null or 0 keeps each default.",
    "what_if": "Changes to staff against without storing anything; the answer carries the "
    "difference from the current proposal.",
    "level_changes": "Levels raised or set, as if already held.",
    "rule_overrides": "Team rules replaced for an outcome.",
    "cost": "Cost in pounds; 0: free.",
    "unfilled_penalty": "Weight of each unfilled slot in the objective, at least 0; 0 keeps "
    "the default.",
    "status": "State of the answer; the values are listed with the schema.",
    "objective": "Objective value of the answer: priority-weighted fit minus penalties.",
    "bound": "Best objective the solver proved possible.",
    "gap": "Relative distance between objective and bound, 0 (proven optimal) upwards.",
    "solve_seconds": "Seconds the solver took.",
    "teams": "Per outcome, who fills which slot and what stays unfilled.",
    "conflicts": "For an infeasible strict request: the smallest set of named rules that "
    "conflict; empty otherwise.",
    "rule": "Name of a team or staffing rule.",
    "detail": "What the rule asks and why it cannot hold.",
    "committed": "Whether the proposal was committed: its people are then staffed.",
    "pruned": "Whether candidates were pruned to the best per slot for speed.",
    "optimality_proven": "Whether the answer is proven optimal despite pruning.",
    "diff": "For a what-if: what changes against the current proposal; null otherwise.",
    "solver": "Which solver answered (cp-sat, or a faster exact path for pure assignment).",
    "added": "Assignments the change adds.",
    "removed": "Assignments the change removes.",
    "pools": "Per slot, how many people passed its filters (eligible) and how many the "
    "solver saw (kept); kept is below eligible only where the pool was pruned.",
    "eligible": "People who pass the slot's filters (minimum fit, locality rule, clearance, "
    "availability over the outcome's dates, free capacity, conflict of interest).",
    "kept": "Of the eligible, people the solver was given: the best 30 by fit plus the "
    "reserves that keep the team rules satisfiable when the pool is pruned; else all.",
    "summary": "In words: how many places are filled and why the rest stay open; read "
    "this rather than the objective.",
    "headline": "In words: what the plan makes staffable and whether the staffing re-run "
    "confirms it (NOT CONFIRMED first when it does not).",
    "objective_delta": "Change in objective value.",
    "unfilled_delta": "Change in unfilled places (negative: fewer unfilled).",
    "assignments": "Who fills which slot.",
    "unfilled": "Places left empty, with the reason.",
    "reasons": "Why the person was chosen, in words.",
    "state": "proposed or committed.",
    "reason": "Why, in one sentence.",
    # Gaps
    "roles": "Demand against supply per role.",
    "demanded": "People the slots ask for.",
    "supply": "People whose fit or level reaches what is asked.",
    "demanded_people": "People the coverage rules ask for.",
    "shortfall": "People missing: demanded minus supply, at least 0.",
    "blocked_slots": "Slots no one can fill, with the skills that block them.",
    "places": "Places the slot asks for (its count).",
    "open": "Open places: places less those already committed; this is the demand.",
    "solved": "Whether staffing ran once on the open places (?solve=true); without it "
    "unfilled is a floor worked out from supply.",
    "closest": "People closest to filling the gaps, with what they would need to learn.",
    # Imports and keys
    "rows_read": "Data rows read from the file (the header not counted).",
    "accepted": "Rows (or people) imported that changed something stored.",
    "unchanged": "Rows accepted that changed nothing stored (a re-import of the same file "
    "counts every row here); not counted in accepted.",
    "rejected_rows": "Rows left out; errors says why, by line.",
    "levels_written": "Levels written (people import).",
    "relations_written": "Broader and related edges written (ESCO import).",
    "errors": "Each refused row: its line in the file, the id, the column and the reason.",
    "line": "1-based line of the file where the row starts; 0 when the service did not say.",
    "field": "The column (or field) at fault; empty for the whole row.",
    "scopes": "hr, manager, planner or admin (all); one to four.",
    "created_at": "When it was made (ISO 8601 with time zone).",
    "revoked_at": "When the key was revoked; null while it is active.",
    "key": "The API key itself: shown only in this answer, store it now.",
    "action": "HTTP method and route of the change.",
    "target": "Path the change was made on.",
    "at": "When (ISO 8601 with time zone).",
    "request_id": "X-Request-ID of the request, to find it in the logs.",
    # Pages
    "items": "This page's items.",
    "next_page_token": "Pass as page_token for the next page; null on the last page.",
    # Training
    "provider": "Who runs the course; empty when unknown.",
    "duration_days": "Working days the course takes, above 0 up to 260; default 1.",
    "capacity_per_run": "Places per run, 0 to 100,000; 0: unlimited.",
    "runs": "Dated runs of the course; empty: it can start any time.",
    "run_start": f"{DATE}: first day of the run taken; null when the course has no runs.",
    "run_end": f"{DATE}: last day of the run taken; null when the course has no runs.",
    "course_title": "Title of the course.",
    "completed_on": f"{DATE} the completion was recorded; null while not completed.",
    "note": "Free text kept with the record, at most 500 characters.",
    "deadline": f"{DATE}: every course of the plan ends on or before it.",
    "options": "Solver and catalogue options; defaults apply when absent.",
    "default_available_days": "Working days each person can give to training, above 0 up to "
    "260; default 10.",
    "available_days": "Person id to working days, for people who differ from the default.",
    "enrolments": "Courses the person takes under the plan.",
    "levels_after": "Skill id to level after the plan.",
    "fits_after": "Role id to fit after the plan, for the roles the plan relies on.",
    "holds": "Whether staffing re-run with the plan's levels fills the places claimed.",
    "claimed_places": "Places the plan claims to make fillable.",
    "filled_places": "Of those, places the staffing re-run fills.",
    "claimed": "Places filled before the plan plus the places it claims.",
    "filled": "Places the staffing model fills with the plan's levels.",
    "total_cost": "Cost of every enrolment in pounds.",
    "people": "Per person, the enrolments of the plan.",
    "fillable": "Places staffing leaves unfilled that the plan makes fillable, and by whom.",
    "coverage_met": "Skill-coverage rules the plan makes met.",
    "unmet": "Open demand the plan leaves open, and why.",
    "open_demand": "Priority-weighted places and coverage left open by staffing.",
    "staffable_demand": "Of that demand, what the plan makes staffable.",
    "check": "Staffing re-run with the plan's levels, as a what-if.",
    "enrolment_count": "Enrolments in the plan.",
    "completed_count": "Enrolments recorded as completed.",
    "created_by": "API key id that made the plan.",
    "subject_id": "The role of a place, the skill of a coverage rule.",
    "unreachable": "True: no affordable training within the deadline reaches it at all.",
    "skill_gap": "False: people who fit are free but staffing still leaves it open (team "
    "rules, budget): training is not what it lacks.",
    # Shared learning
    "measures": "What the outcome is measured by, each with a baseline and a target; results "
    "are recorded against them.",
    "unit": "Unit of the measure's figures (people, visits, percent); empty when none.",
    "baseline": "Where the measure stood before the outcome, in its unit.",
    "direction": "higher_is_better or lower_is_better (default higher_is_better): which way "
    "is progress towards the target.",
    "approach": "preventative (acts before need arises) or responsive (meets need that has "
    "arisen); null: not said.",
    "contributions": "Pooled budget: the money each organisation puts in; when present the "
    "budget is their total.",
    "amount": "Money in pounds.",
    "restricted_to": "A sector whose staff costs alone the money may pay; null: any cost of "
    "the team.",
    "used": "Of the contribution, pounds the team's cost takes.",
    "assessment": "met, partly_met or not_met: the final assessment given when the outcome "
    "was closed; null while open.",
    "assessment_note": "Free text given with the assessment; empty when none.",
    "closed_on": f"{DATE} the outcome was closed; null while open.",
    "development_floor": "0 to 1: the slot takes one development placement, a member whose fit "
    "is below min_fit but at least this, when the team holds an expert (level 4) in the "
    "skills they lack; null: no placement.",
    "development": "Whether the assignment is a development placement (a stretch assignment "
    "below the slot's minimum fit, learning from an expert of the team).",
    "learns_skill_ids": "For a development placement, the skills the person will learn from "
    "the team's expert; empty otherwise.",
    "collaboration": "Weight of placing together people who worked together on outcomes that "
    "were met, at least 0; absent or 0: off (the default).",
    "new_connections": "Weight of placing together people who have not worked together "
    "(spreading experience), at least 0; absent or 0: off (the default).",
    "fairness": "The fairness rule: nobody above a share of their capacity while others who "
    "fit stay idle; soft, reported in fairness_notes when it costs fit. Absent: no rule.",
    "max_share_of_capacity": "Above 0 up to 1: the share of their capacity above which a "
    "person counts as overloaded while others who fit stay idle.",
    "fairness_notes": "What the fairness rule cost in fit, in words; empty when it was not "
    "asked for or cost nothing.",
    "measure_id": "Id of one of the outcome's measures.",
    "value": "The measure's value, in its unit.",
    "date": f"{DATE} the value describes.",
    "recorded_at": "When the result was recorded (ISO 8601 with time zone).",
    "group_by": "What the groups are: locality, approach (preventative or responsive) or priority.",
    "min_group_size": "Groups with fewer closed outcomes than this get counts but no figures.",
    "groups": "One group per value of group_by among the closed outcomes.",
    "outcomes": "Closed outcomes in the group.",
    "reported": "Whether the group reaches the minimum size: false means its figures are "
    "withheld (value null), its counts still shown.",
    "figures": "Team composition and results over the group's outcomes, each with the count "
    "it rests on.",
    "notes": "What the figures are associated with and what they cannot say (associations, "
    "never causes).",
}

PARAMETERS: dict[str, str] = {
    "page_size": "Items per page, 1 to 500; default 50.",
    "page_token": "The next_page_token of the previous page; empty for the first page.",
    "sector": "Only people of this sector; absent: every sector.",
    "organisation": "Only people of this organisation; absent: every organisation.",
    "locality": "Only this ward or town; absent: every locality.",
    "skill": "Only people (or courses) with this skill, by id; absent: any.",
    "min_level": f"With skill: only people at this level or above ({LEVELS}).",
    "person_id": "Id of the person.",
    "skill_id": "Id of the skill (for an ESCO skill, the UUID that ends its URI).",
    "source": "Remove only the level from this source; absent: every source.",
    "q": "Words to find in label, alternative labels or description, in any order, at most "
    "200 characters; empty lists every skill by id.",
    "role_id": "Id of the role.",
    "limit": "How many candidates, best first, 1 to 1,000; default 20.",
    "outcome_id": "Id of the outcome.",
    "proposal_id": "Id of the proposal.",
    "role": "Only this role; absent: every role.",
    "closest_limit": "How many closest people to list, 1 to 100; default 5.",
    "kind": "Which ESCO file it is: skills, groups, broader or relations; absent: told "
    "from the header.",
    "key_id": "Id of the API key (key_...).",
    "course_id": "Id of the course.",
    "plan_id": "Id of the training plan.",
    "Idempotency-Key": "Answers a repeated POST with the first answer instead of acting twice.",
    "measure_id": "Only this measure; absent: every measure.",
}
