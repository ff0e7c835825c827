"""Northfield, a small town for the persona tests: a people CSV that HR
imports, shaped so that the manager's outcome can be staffed from three
sectors with a community member, and so that storytellers run short."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

PEOPLE_COLUMNS = (
    "id",
    "name",
    "sector",
    "organisation",
    "locality",
    "capacity_fte",
    "day_rate",
    "clearances",
    "skill_id",
    "level",
    "evidence",
    "source",
    "valid_until",
)

# The seeded roles' skills: essential ones first.
ROLE_SKILLS: dict[str, tuple[str, ...]] = {
    "architect": (
        "systems-thinking",
        "service-design",
        "outcome-based-commissioning",
        "budgeting",
    ),
    "navigator": (
        "local-services-knowledge",
        "advice-and-signposting",
        "empathy",
        "case-work",
    ),
    "storyteller": (
        "narrative-communication",
        "public-engagement",
        "digital-media",
        "active-listening",
    ),
    "weaver": (
        "partnership-building",
        "community-networks",
        "resource-mobilisation",
        "creativity",
    ),
}

ORGANISATIONS = {
    "public": "Northfield Council",
    "private": "Northfield Digital Ltd",
    "third_sector": "Northfield Advice",
    "community": "Northfield Residents",
}
# An organisation name a spreadsheet would run as a formula: the export neutralises it.
FORMULA_ORGANISATION = '=HYPERLINK("http://evil.example","click")'


@dataclass(frozen=True)
class Resident:
    id: str
    name: str
    sector: str
    capacity_fte: float
    day_rate: float
    levels: dict[str, int]
    organisation: str = ""
    locality: str = "northfield"


def _expert(role: str) -> dict[str, int]:
    return dict.fromkeys(ROLE_SKILLS[role], 4)


def _novice(role: str) -> dict[str, int]:
    """Some of the role's skills, below its essential levels: close, not there."""
    essential, second, optional, _ = ROLE_SKILLS[role]
    return {essential: 2, second: 1, optional: 2}


def residents() -> list[Resident]:
    """Experts per role across sectors (storytellers only two), and novices close to each role."""
    plan: list[tuple[str, str, str, float, float]] = [
        ("arch-1", "architect", "public", 1.0, 420.0),
        ("arch-2", "architect", "private", 1.0, 600.0),
        ("nav-1", "navigator", "public", 1.0, 300.0),
        ("nav-2", "navigator", "third_sector", 1.0, 250.0),
        ("nav-3", "navigator", "community", 0.3, 0.0),
        ("nav-4", "navigator", "private", 1.0, 500.0),
        ("story-1", "storyteller", "third_sector", 1.0, 280.0),
        ("story-2", "storyteller", "public", 1.0, 350.0),
        ("weave-1", "weaver", "community", 0.3, 0.0),
        ("weave-2", "weaver", "third_sector", 1.0, 260.0),
    ]
    people = [
        Resident(
            id=person_id,
            name=f"{role.title()} {person_id.split('-')[1]}",
            sector=sector,
            capacity_fte=capacity,
            day_rate=rate,
            levels=_expert(role),
            organisation=ORGANISATIONS[sector],
        )
        for person_id, role, sector, capacity, rate in plan
    ]
    for number, (role, sector) in enumerate(
        [
            ("storyteller", "community"),
            ("storyteller", "private"),
            ("architect", "third_sector"),
            ("navigator", "community"),
            ("weaver", "public"),
        ],
        start=1,
    ):
        people.append(
            Resident(
                id=f"novice-{number}",
                name=f"Novice {number}",
                sector=sector,
                capacity_fte=0.3 if sector == "community" else 1.0,
                day_rate=0.0 if sector == "community" else 200.0,
                levels=_novice(role),
                organisation=ORGANISATIONS[sector],
            )
        )
    people.append(
        Resident(
            id="formula-1",
            name="Formula Person",
            sector="private",
            capacity_fte=0.5,
            day_rate=300.0,
            levels={"creativity": 2},
            organisation=FORMULA_ORGANISATION,
        )
    )
    return people


def people_csv(people: list[Resident]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(PEOPLE_COLUMNS)
    for person in people:
        for skill_id, level in person.levels.items():
            writer.writerow(
                [
                    person.id,
                    person.name,
                    person.sector,
                    person.organisation,
                    person.locality,
                    person.capacity_fte,
                    person.day_rate,
                    "",
                    skill_id,
                    level,
                    "appraisal 2026",
                    "manager",
                    "",
                ]
            )
    return buffer.getvalue()


def staffed_outcome(outcome_id: str) -> dict[str, object]:
    """One architect, two navigators, a storyteller and a weaver; three sectors, one resident."""

    def slot(role_id: str, count: int = 1) -> dict[str, object]:
        return {"role_id": role_id, "count": count, "fte": 0.2, "min_fit": 0.6}

    return {
        "id": outcome_id,
        "title": "Fewer older people isolated in Northfield",
        "locality": "northfield",
        "priority": 5,
        "budget": 100_000,
        "start": "2027-01-04",
        "end": "2027-06-30",
        "days": 20,
        "slots": [
            slot("architect"),
            slot("navigator", 2),
            slot("storyteller"),
            slot("weaver"),
        ],
        "rules": {
            "min_sectors": 3,
            "min_community_members": 1,
            "locality": "prefer_local",
        },
    }
