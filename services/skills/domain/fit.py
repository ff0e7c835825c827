"""Role fit, ranking and gap reports: plain Python over levels and roles.

fit(person, role) = weighted mean over the role's requirements of a credit in
[0, 1]. For each requirement the credit is the best of

- the skill itself: min(1, level / min_level);
- a neighbour of the skill, discounted by how close it is:
  similarity x min(1, level_of_neighbour / min_level), where a neighbour is
  a narrower skill (a specialisation, NARROWER_SIMILARITY), a broader skill
  (the general field, BROADER_SIMILARITY) or a related skill (the similarity
  stored on the relation). Only direct neighbours count.

and every credit is multiplied by the evidence age factor of the level it
comes from (old evidence counts for less, see `evidence_age_factor`).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from services.skills.domain.model import (
    SOURCE_RANK,
    LevelClaim,
    LevelSource,
    Requirement,
    RequirementStatus,
    Role,
)

# Someone holding a specialisation of the skill knows most of it.
NARROWER_SIMILARITY = 0.7
# Someone holding only the general field knows about half of the specific skill.
BROADER_SIMILARITY = 0.5

# Evidence keeps full weight for FULL_CREDIT_YEARS, then loses weight linearly
# until it counts OLDEST_EVIDENCE_FACTOR at TAPER_END_YEARS and after.
FULL_CREDIT_YEARS = 2.0
TAPER_END_YEARS = 5.0
OLDEST_EVIDENCE_FACTOR = 0.5
_DAYS_PER_YEAR = 365.25


@lru_cache(maxsize=65536)
def evidence_age_factor(assessed_at: str, today: date) -> float:
    """1.0 for evidence under two years old, tapering linearly to 0.5 at five years.

    Evidence without a date counts in full: its age is unknown, not old.
    """
    if not assessed_at:
        return 1.0
    age_years = (today - date.fromisoformat(assessed_at)).days / _DAYS_PER_YEAR
    if age_years <= FULL_CREDIT_YEARS:
        return 1.0
    if age_years >= TAPER_END_YEARS:
        return OLDEST_EVIDENCE_FACTOR
    taper = (age_years - FULL_CREDIT_YEARS) / (TAPER_END_YEARS - FULL_CREDIT_YEARS)
    return 1.0 - taper * (1.0 - OLDEST_EVIDENCE_FACTOR)


def evidence_age_factors(
    assessed_days: npt.NDArray[np.int32], today: date
) -> npt.NDArray[np.float64]:
    """`evidence_age_factor` over an array of date ordinals (0: no date), with
    the same arithmetic, so each factor equals the scalar one exactly."""
    age_years = (today.toordinal() - assessed_days.astype(np.int64)) / _DAYS_PER_YEAR
    taper = (age_years - FULL_CREDIT_YEARS) / (TAPER_END_YEARS - FULL_CREDIT_YEARS)
    tapered = 1.0 - taper * (1.0 - OLDEST_EVIDENCE_FACTOR)
    factors = np.where(
        age_years <= FULL_CREDIT_YEARS,
        1.0,
        np.where(age_years >= TAPER_END_YEARS, OLDEST_EVIDENCE_FACTOR, tapered),
    )
    factors[assessed_days == 0] = 1.0
    return factors.astype(np.float64)


def is_current(claim: LevelClaim, today: date) -> bool:
    return not claim.valid_until or claim.valid_until >= today.isoformat()


def claim_precedence(claim: LevelClaim) -> tuple[int, str]:
    return SOURCE_RANK.get(claim.source, 0), claim.assessed_at


# Sources that rest on evidence beyond the person's or their manager's word.
EVIDENCED_SOURCES = frozenset(
    {LevelSource.TRAINING, LevelSource.ASSESSMENT, LevelSource.CERTIFICATE}
)


def supersedes(
    source: str,
    level: int,
    assessed_at: str,
    held_source: str,
    held_level: int,
    held_assessed_at: str,
) -> bool:
    """Whether a claim no older than the held one counts instead of it.

    A source of at least the held one's rank does. A lower-ranking one does
    only as evidence of progress: a newer claim from training, an assessment or
    a certificate at a higher level (a completed course moves an older
    assessed level). Self-declared and manager claims never beat an evidenced one.
    """
    if SOURCE_RANK.get(source, 0) >= SOURCE_RANK.get(held_source, 0):
        return True
    return source in EVIDENCED_SOURCES and level > held_level and assessed_at > held_assessed_at


def chronological_key(source: str, level: int, assessed_at: str) -> tuple[str, int, int]:
    """The order claims are weighed in: oldest first, so each later one may supersede."""
    return assessed_at, SOURCE_RANK.get(source, 0), level


def effective_claims(claims: Iterable[LevelClaim], today: date) -> dict[str, LevelClaim]:
    """Per skill, the claim that counts among those whose evidence has not
    expired: the highest-ranking source, between equals the newest, unless a
    newer evidenced claim shows progress beyond it (see `supersedes`)."""
    ordered = sorted(
        (claim for claim in claims if is_current(claim, today)),
        key=lambda c: chronological_key(c.source, c.level, c.assessed_at),
    )
    best: dict[str, LevelClaim] = {}
    for claim in ordered:
        held = best.get(claim.skill_id)
        if held is None or supersedes(
            claim.source,
            claim.level,
            claim.assessed_at,
            held.source,
            held.level,
            held.assessed_at,
        ):
            best[claim.skill_id] = claim
    return best


@dataclass(frozen=True)
class Held:
    """A level as scoring sees it: the level and the weight of its evidence."""

    level: int
    age_factor: float = 1.0


def held_levels(claims: Iterable[LevelClaim], today: date) -> dict[str, Held]:
    return {
        skill_id: Held(claim.level, evidence_age_factor(claim.assessed_at, today))
        for skill_id, claim in effective_claims(claims, today).items()
    }


@dataclass(frozen=True)
class SkillNeighbourhood:
    """The direct neighbours of one skill, as the graph holds them."""

    broader: tuple[str, ...] = ()
    narrower: tuple[str, ...] = ()
    related: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class RequirementFit:
    skill_id: str
    min_level: int
    level: int
    credit: float
    status: RequirementStatus
    via_skill_id: str
    weight: float
    essential: bool


@dataclass(frozen=True)
class Fit:
    person_id: str
    role_id: str
    fit: float
    requirements: tuple[RequirementFit, ...] = ()
    essential_gaps: tuple[str, ...] = ()
    # Gap steps, filled only when asked for.
    steps: tuple[GapStep, ...] = ()


@dataclass(frozen=True)
class GapStep:
    skill_id: str
    from_level: int
    to_level: int
    fit_gain: float
    fit_after: float
    essential: bool


@dataclass(frozen=True)
class GapReport:
    person_id: str
    role_id: str
    fit: float
    steps: tuple[GapStep, ...] = ()


@dataclass(frozen=True)
class _Contribution:
    requirement_index: int
    similarity: float
    # "" when the contribution is the required skill itself.
    via_skill_id: str


@dataclass
class RoleScorer:
    """Scores people against one role. Built once per query: for each skill it
    knows which requirements that skill contributes to and at what similarity,
    so scoring a person costs a few steps per level they hold."""

    role: Role
    neighbourhoods: Mapping[str, SkillNeighbourhood]
    _contributions: dict[str, list[_Contribution]] = field(init=False, repr=False)
    _min_levels: list[int] = field(init=False, repr=False)
    _weights: list[float] = field(init=False, repr=False)
    _total_weight: float = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._contributions = {}
        for index, requirement in enumerate(self.role.requirements):
            self._add(requirement.skill_id, index, 1.0, "")
            neighbourhood = self.neighbourhoods.get(requirement.skill_id, SkillNeighbourhood())
            for skill_id in neighbourhood.narrower:
                self._add(skill_id, index, NARROWER_SIMILARITY, skill_id)
            for skill_id in neighbourhood.broader:
                self._add(skill_id, index, BROADER_SIMILARITY, skill_id)
            for skill_id, similarity in neighbourhood.related:
                self._add(skill_id, index, similarity, skill_id)
        self._min_levels = [r.min_level for r in self.role.requirements]
        self._weights = [r.weight for r in self.role.requirements]
        self._total_weight = sum(self._weights)

    def _add(self, skill_id: str, index: int, similarity: float, via: str) -> None:
        entries = self._contributions.setdefault(skill_id, [])
        for position, existing in enumerate(entries):
            if existing.requirement_index == index:
                # A skill reachable in two ways (say narrower and related) counts at its closest.
                if similarity > existing.similarity:
                    entries[position] = _Contribution(index, similarity, via)
                return
        entries.append(_Contribution(index, similarity, via))

    @property
    def contributions(self) -> list[tuple[str, int, float]]:
        """The credit table: (skill id, requirement index, similarity), one per
        skill and requirement it gives credit to."""
        return [
            (skill_id, entry.requirement_index, entry.similarity)
            for skill_id, entries in self._contributions.items()
            for entry in entries
        ]

    @property
    def min_levels(self) -> list[int]:
        return list(self._min_levels)

    @property
    def weights(self) -> list[float]:
        return list(self._weights)

    @property
    def relevant_skill_ids(self) -> frozenset[str]:
        """Every skill whose level can change this role's fit."""
        return frozenset(self._contributions)

    def _credits(self, held: Mapping[str, Held]) -> tuple[list[float], list[str]]:
        credits = [0.0] * len(self._min_levels)
        vias = [""] * len(self._min_levels)
        min_levels = self._min_levels
        contributions = self._contributions
        for skill_id, level in held.items():
            entries = contributions.get(skill_id)
            if entries is None:
                continue
            for entry in entries:
                index = entry.requirement_index
                ratio = level.level / min_levels[index]
                credit = entry.similarity * (ratio if ratio < 1.0 else 1.0) * level.age_factor
                best = credits[index]
                if credit > best or (
                    credit == best and _preferred(entry.via_skill_id, vias[index])
                ):
                    credits[index] = credit
                    vias[index] = entry.via_skill_id
        return credits, vias

    def fit_value(self, held: Mapping[str, Held]) -> float:
        if self._total_weight <= 0:
            return 0.0
        credits, _ = self._credits(held)
        return sum(w * c for w, c in zip(self._weights, credits, strict=True)) / self._total_weight

    def explain(self, person_id: str, held: Mapping[str, Held]) -> Fit:
        credits, vias = self._credits(held)
        requirements: list[RequirementFit] = []
        essential_gaps: list[str] = []
        for requirement, credit, via in zip(self.role.requirements, credits, vias, strict=True):
            own = held.get(requirement.skill_id)
            level = own.level if own is not None else 0
            if level >= requirement.min_level:
                status = RequirementStatus.MET
            elif credit > 0:
                status = RequirementStatus.PARTIAL
            else:
                status = RequirementStatus.MISSING
            if requirement.essential and level < requirement.min_level:
                essential_gaps.append(requirement.skill_id)
            requirements.append(
                RequirementFit(
                    skill_id=requirement.skill_id,
                    min_level=requirement.min_level,
                    level=level,
                    credit=credit,
                    status=status,
                    via_skill_id=via,
                    weight=requirement.weight,
                    essential=requirement.essential,
                )
            )
        return Fit(
            person_id=person_id,
            role_id=self.role.id,
            fit=self.fit_value(held),
            requirements=tuple(requirements),
            essential_gaps=tuple(essential_gaps),
        )

    def gaps(self, person_id: str, held: Mapping[str, Held]) -> GapReport:
        """One step per requirement whose skill is below its level: raise it to
        min_level on fresh evidence. Steps are independent of each other and
        ordered by the fit they add (then essential first, then skill id)."""
        fit = self.fit_value(held)
        steps: list[GapStep] = []
        for requirement in self.role.requirements:
            own = held.get(requirement.skill_id)
            level = own.level if own is not None else 0
            if level >= requirement.min_level and own is not None and own.age_factor >= 1.0:
                continue
            raised = dict(held)
            raised[requirement.skill_id] = Held(max(level, requirement.min_level), 1.0)
            fit_after = self.fit_value(raised)
            steps.append(
                GapStep(
                    skill_id=requirement.skill_id,
                    from_level=level,
                    to_level=max(level, requirement.min_level),
                    fit_gain=fit_after - fit,
                    fit_after=fit_after,
                    essential=requirement.essential,
                )
            )
        steps.sort(key=lambda s: (-s.fit_gain, not s.essential, s.skill_id))
        return GapReport(person_id=person_id, role_id=self.role.id, fit=fit, steps=tuple(steps))


def _preferred(candidate_via: str, current_via: str) -> bool:
    """Between equal credits: the skill itself, then the smaller skill id."""
    if candidate_via == current_via:
        return False
    if not candidate_via:
        return True
    return bool(current_via) and candidate_via < current_via


def top_k(scored: Iterable[tuple[str, float]], k: int) -> list[tuple[str, float]]:
    """The k best (id, fit) pairs: fit descending, then id ascending, so equal
    fits always come back in the same order."""
    return heapq.nsmallest(k, scored, key=lambda item: (-item[1], item[0]))


def relevant_skills(requirements: Iterable[Requirement]) -> list[str]:
    return sorted({r.skill_id for r in requirements})
