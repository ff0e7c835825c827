from __future__ import annotations

import grpc
import pytest

from lps.matching.v1 import matching_pb2, matching_pb2_grpc
from services.common.grpc_errors import field_violations_of
from tests.integration.matching.conftest import outcome, rpc_error

pytestmark = [pytest.mark.neo4j, pytest.mark.integration]

Stub = matching_pb2_grpc.MatchingServiceStub


def slot(role_id: str = "caseworker", count: int = 1, fte: float = 1.0, min_fit: float = 0.0):
    return matching_pb2.Slot(role_id=role_id, count=count, fte=fte, min_fit=min_fit)


async def test_an_outcome_is_created_read_listed_updated_and_deleted(matching: Stub, people):
    created = await matching.CreateOutcome(
        matching_pb2.CreateOutcomeRequest(
            outcome=outcome(
                skill_coverage=[
                    matching_pb2.SkillCoverage(skill_id="listening", min_level=2, min_people=1)
                ],
                rules=matching_pb2.TeamRules(
                    min_sectors=2,
                    max_sector_share=0.5,
                    locality=matching_pb2.LOCALITY_RULE_PREFER_LOCAL,
                ),
            )
        )
    )
    fetched = await matching.GetOutcome(matching_pb2.GetOutcomeRequest(id="warm-homes"))
    assert fetched == created
    assert fetched.rules.max_sector_share == 0.5
    assert fetched.rules.locality == matching_pb2.LOCALITY_RULE_PREFER_LOCAL
    assert fetched.skill_coverage[0].skill_id == "listening"

    changed = outcome(title="Warm and dry homes", slots=[slot(count=2)])
    await matching.UpdateOutcome(matching_pb2.UpdateOutcomeRequest(outcome=changed))
    fetched = await matching.GetOutcome(matching_pb2.GetOutcomeRequest(id="warm-homes"))
    assert fetched.title == "Warm and dry homes"
    assert fetched.slots[0].count == 2

    await matching.DeleteOutcome(matching_pb2.DeleteOutcomeRequest(id="warm-homes"))
    error = await rpc_error(matching.GetOutcome(matching_pb2.GetOutcomeRequest(id="warm-homes")))
    assert error.code() == grpc.StatusCode.NOT_FOUND


async def test_listing_pages_through_outcomes_and_filters_by_locality(matching: Stub, people):
    for index, locality in enumerate(["ashbridge", "brookfield", "ashbridge", "ashbridge"]):
        await matching.CreateOutcome(
            matching_pb2.CreateOutcomeRequest(outcome=outcome(f"o{index}", locality=locality))
        )
    first = await matching.ListOutcomes(
        matching_pb2.ListOutcomesRequest(locality="ashbridge", page_size=2)
    )
    assert [o.id for o in first.outcomes] == ["o0", "o2"]
    assert first.next_page_token
    second = await matching.ListOutcomes(
        matching_pb2.ListOutcomesRequest(
            locality="ashbridge", page_size=2, page_token=first.next_page_token
        )
    )
    assert [o.id for o in second.outcomes] == ["o3"]
    assert second.next_page_token == ""
    everything = await matching.ListOutcomes(matching_pb2.ListOutcomesRequest())
    assert len(everything.outcomes) == 4


async def test_creating_an_existing_id_is_refused_and_updating_a_missing_one_is_not_found(
    matching: Stub, people
):
    await matching.CreateOutcome(matching_pb2.CreateOutcomeRequest(outcome=outcome()))
    duplicate = await rpc_error(
        matching.CreateOutcome(matching_pb2.CreateOutcomeRequest(outcome=outcome(title="Again")))
    )
    assert duplicate.code() == grpc.StatusCode.ALREADY_EXISTS
    fetched = await matching.GetOutcome(matching_pb2.GetOutcomeRequest(id="warm-homes"))
    assert fetched.title == "Warm homes"

    missing = await rpc_error(
        matching.UpdateOutcome(matching_pb2.UpdateOutcomeRequest(outcome=outcome("nowhere")))
    )
    assert missing.code() == grpc.StatusCode.NOT_FOUND
    gone = await rpc_error(matching.DeleteOutcome(matching_pb2.DeleteOutcomeRequest(id="nowhere")))
    assert gone.code() == grpc.StatusCode.NOT_FOUND


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"slots": [slot(), slot("weaver", count=0)]}, "outcome.slots[1].count"),
        ({"slots": [slot("juggler")]}, "outcome.slots[0].role_id"),
        ({"rules": matching_pb2.TeamRules(max_sector_share=1.5)}, "outcome.rules.max_sector_share"),
        ({"start": "2030-07-01"}, "outcome.end"),
        ({"priority": 7}, "outcome.priority"),
        ({"budget": -1.0}, "outcome.budget"),
        ({"title": ""}, "outcome.title"),
        ({"slots": [slot(fte=1.5)]}, "outcome.slots[0].fte"),
        ({"slots": [slot(min_fit=2.0)]}, "outcome.slots[0].min_fit"),
    ],
)
async def test_an_invalid_outcome_names_the_field_and_stores_nothing(
    matching: Stub, people, changes, field
):
    error = await rpc_error(
        matching.CreateOutcome(matching_pb2.CreateOutcomeRequest(outcome=outcome(**changes)))
    )
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in field_violations_of(error)] == [field]
    listed = await matching.ListOutcomes(matching_pb2.ListOutcomesRequest())
    assert list(listed.outcomes) == []


async def test_an_invalid_update_leaves_the_stored_outcome_alone(matching: Stub, people):
    await matching.CreateOutcome(matching_pb2.CreateOutcomeRequest(outcome=outcome()))
    error = await rpc_error(
        matching.UpdateOutcome(
            matching_pb2.UpdateOutcomeRequest(outcome=outcome(title="New", slots=[slot(count=0)]))
        )
    )
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    fetched = await matching.GetOutcome(matching_pb2.GetOutcomeRequest(id="warm-homes"))
    assert fetched.title == "Warm homes"


async def test_a_bad_page_token_is_an_invalid_argument(matching: Stub):
    error = await rpc_error(
        matching.ListOutcomes(matching_pb2.ListOutcomesRequest(page_token="%%%not-a-token"))
    )
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
