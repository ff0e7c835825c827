"""Small data sets and helpers the gateway's integration tests share."""

from __future__ import annotations

import httpx

PEOPLE_HEADER = (
    "id,name,sector,organisation,locality,capacity_fte,day_rate,clearances,"
    "skill_id,level,evidence,source,valid_until\n"
)
PEOPLE_CSV = (
    PEOPLE_HEADER
    + "imp-1,Ada Jones,public,Council,Northfield,1,300,dbs:2030-01-01,empathy,3,,manager,\n"
    + "imp-2,Bo Smith,community,,Northfield,0.2,0,,empathy,2,,self,\n"
)

OUTCOME = {
    "title": "Fewer lonely older people",
    "locality": "Northfield",
    "priority": 4,
    "budget": 100000,
    "start": "2027-01-04",
    "end": "2027-06-30",
    "days": 20,
    "slots": [{"role_id": "navigator", "count": 1, "fte": 0.5, "min_fit": 0.0}],
    "rules": {"min_sectors": 1, "locality": "any"},
}


async def create_skill(admin: httpx.AsyncClient, skill_id: str, label: str = "") -> None:
    response = await admin.put(f"/v1/skills/{skill_id}", json={"label": label or skill_id})
    assert response.status_code == 200, response.text


async def create_person(
    admin: httpx.AsyncClient, person_id: str, sector: str = "public", locality: str = "Northfield"
) -> str:
    response = await admin.put(
        f"/v1/people/{person_id}",
        json={"name": person_id.title(), "sector": sector, "locality": locality},
    )
    assert response.status_code == 200, response.text
    return person_id


async def seed_team_pool(admin: httpx.AsyncClient) -> None:
    """Navigators enough for the test outcomes to be staffed."""
    for skill_id in ("local-services-knowledge", "advice-and-signposting", "empathy", "case-work"):
        await create_skill(admin, skill_id)
    for index, sector in enumerate(("public", "third_sector", "community", "private")):
        person_id = await create_person(admin, f"nav-{index}", sector=sector)
        for skill_id in ("local-services-knowledge", "advice-and-signposting"):
            response = await admin.put(
                f"/v1/people/{person_id}/skills/{skill_id}",
                json={"level": 4, "source": "assessment"},
            )
            assert response.status_code == 200, response.text


async def create_outcome(admin: httpx.AsyncClient, outcome_id: str) -> str:
    response = await admin.post("/v1/outcomes", json={**OUTCOME, "id": outcome_id})
    assert response.status_code == 201, response.text
    return outcome_id
