"""The CP-SAT model over the pruned places, people and course runs.

A course per person and skill at most (no chains of courses within a plan),
runs ending by the deadline and before the outcome they serve starts, the
training budget, places per run, each person's training days; a trained
person fills an open place only within their free capacity on overlapping
outcomes, one role per outcome, the outcome's remaining budget and its
maximum sector share. Objective: priority-weighted places made fillable and
coverage rules met, each worth more than any saving; then the cost; then
spreading (a penalty per course beyond a person's first and per enrolment in
the busiest sector).
"""

from __future__ import annotations

from collections import defaultdict
from math import ceil, floor

from ortools.sat.python import cp_model

from services.matching.domain.candidate_table import SECTORS, fte_units, money_units
from services.matching.domain.rules import budget, coverage, min_fit, sector_share
from services.matching.domain.rules.capacity import capacity_groups
from services.matching.domain.training.options import Option
from services.matching.domain.training.preparation import CoverageGap, Prepared
from services.matching.domain.training.selection import Selection

# Fits in millionths; the rounding slack is the minimum-fit rule's tolerance.
FIT_SCALE = 1_000_000
FIT_SLACK = min_fit.TOLERANCE * FIT_SCALE
DAYS_SCALE = 10


class TrainingModel:
    def __init__(self, prep: Prepared) -> None:
        self.prep = prep
        self.model = cp_model.CpModel()
        self.enrol: dict[tuple[int, Option], cp_model.IntVar] = {}
        self.fill: dict[tuple[int, int], cp_model.IntVar] = {}
        self.met: dict[int, cp_model.IntVar] = {}
        self.trained: dict[int, list[tuple[int, cp_model.IntVar]]] = {}
        # The objective's value of one priority point of demand (set by add_objective).
        self.unit = 1.0

    def enrolment(self, person: int, option: Option) -> cp_model.IntVar:
        key = (person, option)
        if key not in self.enrol:
            self.enrol[key] = self.model.new_bool_var(
                f"enrol[{person},{option.course},{option.start}]"
            )
        return self.enrol[key]

    def build(self) -> None:
        self.add_places()
        for index, gap in enumerate(self.prep.coverage):
            self.add_coverage(index, gap)
        self.add_people()
        self.add_capacity()
        self.add_courses()
        self.add_outcomes()
        self.add_objective()

    # Places: a person fills one only when their courses add up to the minimum fit.
    def add_places(self) -> None:
        prep = self.prep
        for index, place in enumerate(prep.places):
            slot = prep.slot(place)
            for person, options in place.candidates.items():
                candidate = prep.candidate(person)
                chosen = self.model.new_bool_var(f"fill[{index},{person}]")
                self.fill[(index, person)] = chosen
                need = ceil(
                    (slot.min_fit - candidate.fits.get(slot.role_id, 0.0)) * FIT_SCALE - FIT_SLACK
                )
                # Gains capped at the need: the same integer solutions as "gains >= need if
                # chosen", with a far tighter linear relaxation than an enforced constraint.
                terms = [
                    (min(need, floor(g * FIT_SCALE + FIT_SLACK)), self.enrolment(person, o))
                    for o, g in options
                ]
                self.model.add(
                    cp_model.LinearExpr.weighted_sum([v for _, v in terms], [g for g, _ in terms])
                    >= need * chosen
                )
            if place.candidates:
                self.model.add(sum(self.fill[(index, p)] for p in place.candidates) <= place.open)

    # Coverage: enough members at the level, counting those trained to it.
    def add_coverage(self, index: int, gap: CoverageGap) -> None:
        prep = self.prep
        rule = prep.outcome(gap.outcome).skill_coverage[gap.rule]
        holds_level = coverage.holders_mask(prep.table, rule)
        counted: list[cp_model.IntVar] = []
        trained: list[tuple[int, cp_model.IntVar]] = []
        for person, options in gap.team.items():
            learns = self.model.new_bool_var(f"cover[{index},{person}]")
            self.model.add(learns <= sum(self.enrolment(person, o) for o in options))
            trained.append((person, learns))
        joining: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for p_index, place in enumerate(prep.places):
            if place.outcome == gap.outcome:
                for person in place.candidates:
                    joining[person].append(self.fill[(p_index, person)])
        for person, fills in joining.items():
            if holds_level[person]:
                counted.extend(fills)
                continue
            options = prep.coverage_options(person, gap)
            if not options:
                continue
            learns = self.model.new_bool_var(f"cover[{index},{person}]")
            self.model.add(learns <= sum(fills))
            self.model.add(learns <= sum(self.enrolment(person, o) for o in options))
            trained.append((person, learns))
        counted.extend(v for _, v in trained)
        if len(counted) < gap.short:
            return
        met = self.model.new_bool_var(f"met[{index}]")
        self.model.add(sum(counted) >= gap.short * met)
        self.met[index] = met
        self.trained[index] = trained

    # People: one course per skill, one run a day, their training days.
    def add_people(self) -> None:
        request = self.prep.request
        by_person: dict[int, list[tuple[Option, cp_model.IntVar]]] = defaultdict(list)
        for (person, option), var in self.enrol.items():
            by_person[person].append((option, var))
        for person, entries in by_person.items():
            per_skill: dict[str, list[cp_model.IntVar]] = defaultdict(list)
            for option, var in entries:
                per_skill[self.prep.course(option).skill_id].append(var)
            for variables in per_skill.values():
                if len(variables) > 1:
                    self.model.add_at_most_one(variables)
            # Nobody attends two runs on the same days: runs that overlap share a day
            # on which one of them starts, so one clique per start day covers every pair.
            for day in sorted({o.start for o, _ in entries}):
                running = [v for o, v in entries if o.start <= day <= o.end]
                if len(running) > 1:
                    self.model.add_at_most_one(running)
            days = request.days_for(self.prep.candidate(person).person_id)
            self.model.add(
                sum(round(self.prep.course(o).duration_days * DAYS_SCALE) * v for o, v in entries)
                <= round(days * DAYS_SCALE)
            )

    # Capacity: one role per outcome, free FTE across overlapping outcomes.
    def add_capacity(self) -> None:
        prep = self.prep
        fills_by_person: dict[int, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
        for (index, person), var in self.fill.items():
            fills_by_person[person].append((index, var))
        outcomes = prep.request.staffing.outcomes
        for person, fills in fills_by_person.items():
            per_outcome: dict[int, list[cp_model.IntVar]] = defaultdict(list)
            for index, var in fills:
                per_outcome[prep.places[index].outcome].append(var)
            for variables in per_outcome.values():
                if len(variables) > 1:
                    self.model.add_at_most_one(variables)
            baseline = prep.baseline.load.get(person, [])
            involved = sorted({o for o, _ in baseline} | set(per_outcome))
            free = int(prep.table.free_fte_units[person])
            for group in capacity_groups([outcomes[o] for o in involved]):
                members = {involved[i] for i in group}
                used = sum(u for o, u in baseline if o in members)
                terms = [
                    (fte_units(prep.slot(prep.places[i]).fte), v)
                    for i, v in fills
                    if prep.places[i].outcome in members
                ]
                if terms and used + sum(u for u, _ in terms) > free:
                    self.model.add(sum(u * v for u, v in terms) <= free - used)

    # Courses: places per run and the training budget.
    def add_courses(self) -> None:
        request = self.prep.request
        per_run: dict[Option, list[cp_model.IntVar]] = defaultdict(list)
        for (_, option), var in self.enrol.items():
            per_run[option].append(var)
        for option, variables in per_run.items():
            capacity = self.prep.course(option).capacity_per_run
            if 0 < capacity < len(variables):
                self.model.add(sum(variables) <= capacity)
        self.model.add(
            sum(money_units(self.prep.course(o).cost) * v for (_, o), v in self.enrol.items())
            <= money_units(request.budget)
        )

    # Outcomes: the budget the baseline team leaves, and the maximum sector share.
    def add_outcomes(self) -> None:
        prep = self.prep
        by_outcome: dict[int, list[tuple[int, cp_model.IntVar, float]]] = defaultdict(list)
        for (index, person), var in self.fill.items():
            place = prep.places[index]
            by_outcome[place.outcome].append((person, var, prep.pair_cost(person, place)))
        for o_index, fills in by_outcome.items():
            outcome = prep.outcome(o_index)
            team_costs = prep.baseline.costs.get(o_index, [])
            costs = [(money_units(c), v) for _, v, c in fills if c > 0]
            if costs and not budget.within_budget(outcome, [*team_costs, *(c for c, _ in costs)]):
                left = money_units(outcome.budget) - sum(team_costs)
                self.model.add(sum(c * v for c, v in costs) <= max(0, left))
            share = outcome.rules.max_sector_share
            if share is None or not sector_share.is_limited(share):
                continue
            team = prep.baseline.teams.get(o_index, [])
            size = len(team) + sum(v for _, v, _ in fills)
            for code in range(len(SECTORS)):
                held = sum(1 for p in team if prep.table.sector[p] == code)
                joining = [v for p, v, _ in fills if prep.table.sector[p] == code]
                if joining:
                    self.model.add(sector_share.bound(held + sum(joining), size, share))

    # Objective: demand first, then the cost, then spreading.
    def add_objective(self) -> None:
        prep = self.prep
        request = prep.request
        weights = request.weights
        concentration = round(weights.concentration)
        # Demand outranks any saving or spreading: one more unit is worth more than all of them.
        unit = max(
            weights.demand,
            weights.cost * request.budget + concentration * 2 * (len(self.enrol) + 1) + 1,
        )
        self.unit = unit
        terms: list[tuple[cp_model.IntVar, int]] = []
        for (index, _), var in self.fill.items():
            priority = prep.outcome(prep.places[index].outcome).priority
            terms.append((var, round(unit * priority)))
        for index, var in self.met.items():
            priority = prep.outcome(prep.coverage[index].outcome).priority
            terms.append((var, round(unit * priority)))
        for (_, option), var in self.enrol.items():
            terms.append((var, -round(weights.cost * prep.course(option).cost)))
        expr = cp_model.LinearExpr.weighted_sum([v for v, _ in terms], [c for _, c in terms])
        if concentration > 0 and self.enrol:
            expr = expr - concentration * self.concentration()
        self.model.maximize(expr)

    def concentration(self) -> cp_model.LinearExpr:
        """Courses beyond each person's first, plus the enrolments of the busiest sector."""
        by_person: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        by_sector: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for (person, _), var in self.enrol.items():
            by_person[person].append(var)
            by_sector[int(self.prep.table.sector[person])].append(var)
        extras = []
        for person, variables in by_person.items():
            if len(variables) > 1:
                extra = self.model.new_int_var(0, len(variables), f"extra[{person}]")
                self.model.add(extra >= sum(variables) - 1)
                extras.append(extra)
        busiest = self.model.new_int_var(0, len(self.enrol), "busiest_sector")
        for variables in by_sector.values():
            self.model.add(busiest >= sum(variables))
        return cp_model.LinearExpr.sum([*extras, busiest])

    def hint(self, selection: Selection) -> None:
        taken = {
            (person, option)
            for person, skills in selection.enrolments.items()
            for option in skills.values()
        }
        for key, var in self.enrol.items():
            self.model.add_hint(var, key in taken)
        filled = set(selection.fills)
        for place_key, var in self.fill.items():
            self.model.add_hint(var, place_key in filled)

    def read(self, solver: cp_model.CpSolver) -> Selection:
        selection = Selection()
        for (person, option), var in self.enrol.items():
            if solver.boolean_value(var):
                skill = self.prep.course(option).skill_id
                selection.enrolments.setdefault(person, {})[skill] = option
        selection.fills = sorted(key for key, var in self.fill.items() if solver.boolean_value(var))
        for index, var in self.met.items():
            if solver.boolean_value(var):
                people = tuple(p for p, v in self.trained[index] if solver.boolean_value(v))
                selection.met.append((index, people))
        return selection
