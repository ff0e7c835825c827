"""The greedy baseline: the largest priority-weighted gap first, met by the
cheapest training. Always feasible, so it also seeds the CP-SAT search."""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict

from services.matching.domain.candidate_table import fte_units, money_units
from services.matching.domain.rules import budget, capacity, coverage, sector_share
from services.matching.domain.training.options import Option, Priced, cheapest_reach, clashes
from services.matching.domain.training.preparation import Place, Prepared
from services.matching.domain.training.selection import Selection

PLACE = 0
COVERAGE = 1


class Greedy:
    def __init__(self, prep: Prepared) -> None:
        self.prep = prep
        self.sel = Selection()
        self.budget = prep.request.budget
        self.run_used: Counter[Option] = Counter()
        self.days_used: dict[int, float] = defaultdict(float)
        self.load: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for person, entries in prep.baseline.load.items():
            self.load[person].extend(entries)
        self.members: dict[int, list[int]] = defaultdict(list)
        for o_index, team in prep.baseline.teams.items():
            self.members[o_index].extend(team)
        self.extra_costs: dict[int, list[int]] = defaultdict(list)
        self.trained_for: dict[int, list[int]] = defaultdict(list)
        self.open_places: Counter[int] = Counter()
        for place in prep.places:
            self.open_places[place.outcome] += place.open

    def run(self) -> Selection:
        prep = self.prep
        heap: list[tuple[float, int, int]] = []
        open_count = {i: p.open for i, p in enumerate(prep.places) if p.candidates}
        short = {i: c.short for i, c in enumerate(prep.coverage)}
        for index in open_count:
            priority = prep.outcome(prep.places[index].outcome).priority
            heapq.heappush(heap, (-open_count[index] * priority, PLACE, index))
        for index, gap in enumerate(prep.coverage):
            priority = prep.outcome(gap.outcome).priority
            heapq.heappush(heap, (-gap.short * priority, COVERAGE, index))
        while heap:
            _, kind, index = heapq.heappop(heap)
            if kind == PLACE:
                if not self.fill(index):
                    continue
                open_count[index] -= 1
                remaining = open_count[index]
                priority = prep.outcome(prep.places[index].outcome).priority
            else:
                remaining = self.cover(index, short[index])
                short[index] = remaining
                if remaining < 0:
                    continue
                priority = prep.outcome(prep.coverage[index].outcome).priority
            if remaining > 0:
                heapq.heappush(heap, (-remaining * priority, kind, index))
        self._settle()
        return self.sel

    def _free(self, person: int, place: Place) -> bool:
        return capacity.has_room(
            self.prep.request.staffing.outcomes,
            self.load[person],
            self.prep.outcome(place.outcome),
            fte_units(self.prep.slot(place).fte),
            int(self.prep.table.free_fte_units[person]),
        )

    def _share_allows(self, person: int, o_index: int) -> bool:
        """Adding the person leaves their sector within the outcome's maximum share of
        the largest team it can still reach (checked on the final team in `_settle`)."""
        share = self.prep.outcome(o_index).rules.max_sector_share
        if not sector_share.is_limited(share):
            return True
        sectors = self.prep.table.sector
        same = sum(1 for p in self.members[o_index] if sectors[p] == sectors[person]) + 1
        largest = len(self.prep.baseline.teams.get(o_index, [])) + self.open_places[o_index]
        return sector_share.allows(same, largest, share)

    def _settle(self) -> None:
        """Drop the new members of teams that end above a sector's maximum share."""
        sectors = self.prep.table.sector
        broken = set()
        for o_index, team in self.members.items():
            share = self.prep.outcome(o_index).rules.max_sector_share
            if not sector_share.within(Counter(int(sectors[p]) for p in team).values(), share):
                broken.add(o_index)
        if broken:
            places = self.prep.places
            self.sel.fills = [f for f in self.sel.fills if places[f[0]].outcome not in broken]
            coverage = self.prep.coverage
            self.sel.met = [m for m in self.sel.met if coverage[m[0]].outcome not in broken]

    def _usable(self, option: Option) -> bool:
        course = self.prep.course(option)
        full = 0 < course.capacity_per_run <= self.run_used[option]
        return not full and course.cost <= self.budget + 1e-9

    def _take(self, person: int, options: list[Option]) -> None:
        for option in options:
            course = self.prep.course(option)
            self.sel.enrolments.setdefault(person, {})[course.skill_id] = option
            self.run_used[option] += 1
            self.days_used[person] += course.duration_days
            self.budget -= course.cost

    def _may_join(self, person: int, place: Place) -> bool:
        """Free, within the sector share and within what the outcome's budget has left."""
        if (
            person in self.members[place.outcome]
            or not self._free(person, place)
            or not self._share_allows(person, place.outcome)
        ):
            return False
        team_costs = [
            *self.prep.baseline.costs.get(place.outcome, []),
            *self.extra_costs[place.outcome],
            money_units(self.prep.pair_cost(person, place)),
        ]
        return budget.within_budget(self.prep.outcome(place.outcome), team_costs)

    def _cheapest_into(
        self, person: int, place: Place, options: list[tuple[Option, float]]
    ) -> tuple[float, list[Option]] | None:
        """The cheapest further training that lifts the person to the place's minimum fit."""
        slot = self.prep.slot(place)
        candidate = self.prep.candidate(person)
        taken = self.sel.enrolments.get(person, {})
        have = sum(g for o, g in options if taken.get(self.prep.course(o).skill_id) == o)
        need = slot.min_fit - candidate.fits.get(slot.role_id, 0.0) - have
        by_skill: dict[str, list[Priced]] = {}
        for option, gain in options:
            course = self.prep.course(option)
            if course.skill_id in taken or not self._usable(option):
                continue
            by_skill.setdefault(course.skill_id, []).append(
                (option, gain, course.cost, course.duration_days)
            )
        days = self.prep.request.days_for(candidate.person_id) - self.days_used[person]
        return cheapest_reach(by_skill, need, days, taken.values())

    def fill(self, index: int) -> bool:
        place = self.prep.places[index]
        best: tuple[float, str, int, list[Option]] | None = None
        for person, options in place.candidates.items():
            if not self._may_join(person, place):
                continue
            reach = self._cheapest_into(person, place, options)
            if reach is None or reach[0] > self.budget + 1e-9:
                continue
            key = (reach[0], self.prep.candidate(person).person_id, person, reach[1])
            if best is None or key[:2] < best[:2]:
                best = key
        if best is None:
            return False
        _, _, person, chosen = best
        self._take(person, chosen)
        self.sel.fills.append((index, person))
        self.members[place.outcome].append(person)
        self.load[person].append((place.outcome, fte_units(self.prep.slot(place).fte)))
        self.extra_costs[place.outcome].append(money_units(self.prep.pair_cost(person, place)))
        return True

    def cover(self, index: int, short: int) -> int:
        """Train one more member; the count still short after, or -1 when nobody can be."""
        gap = self.prep.coverage[index]
        rule = self.prep.outcome(gap.outcome).skill_coverage[gap.rule]
        holds_level = coverage.holders_mask(self.prep.table, rule)
        team = set(self.prep.baseline.teams.get(gap.outcome, []))
        joined = [p for p in self.members[gap.outcome] if p not in team]
        holders = sum(1 for p in joined if holds_level[p])
        trained = self.trained_for[index]
        if gap.short - holders - len(trained) <= 0:
            self.sel.met.append((index, tuple(trained)))
            return 0
        options_by_person = dict(gap.team)
        for person in joined:
            if not holds_level[person]:
                options_by_person[person] = self.prep.coverage_options(person, gap)
        best = self._cheapest_cover(rule.skill_id, options_by_person, trained)
        if best is None:
            return -1
        person, option = best
        self._take(person, [option])
        trained.append(person)
        left = gap.short - holders - len(trained)
        if left <= 0:
            self.sel.met.append((index, tuple(trained)))
        return left

    def _cheapest_cover(
        self, skill_id: str, options_by_person: dict[int, list[Option]], trained: list[int]
    ) -> tuple[int, Option] | None:
        """The cheapest run someone not yet trained for the rule can still take."""
        best: tuple[float, str, int, Option] | None = None
        for person, options in options_by_person.items():
            if person in trained:
                continue
            candidate = self.prep.candidate(person)
            taken = self.sel.enrolments.get(person, {})
            if skill_id in taken:
                continue
            days = self.prep.request.days_for(candidate.person_id)
            for option in options:
                course = self.prep.course(option)
                if (
                    not self._usable(option)
                    or self.days_used[person] + course.duration_days > days
                    or clashes(option, taken.values())
                ):
                    continue
                key = (course.cost, candidate.person_id, person, option)
                if best is None or key[:2] < best[:2]:
                    best = key
        return None if best is None else (best[2], best[3])
