"""The gateway's side of shared learning: the new outcome and proposal fields
survive the trip to the proto and back, and the learning CSV keeps counts
beside every figure, leaves withheld ones empty and neutralises formulas."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from pydantic import ValidationError

from lps.common.v1 import common_pb2
from lps.matching.v1 import matching_pb2
from services.gateway.entrypoints.http.schemas.learning import (
    Closing,
    LearningReport,
    ResultRecord,
    TeamMember,
)
from services.gateway.entrypoints.http.schemas.outcomes import (
    Outcome,
    OutcomeCreate,
    Proposal,
    ProposalRequest,
)
from services.gateway.service.learning import LEARNING_COLUMNS, learning_csv

OUTCOME: dict[str, Any] = {
    "title": "Fewer falls at home",
    "start": "2027-01-01",
    "end": "2027-12-31",
    "slots": [{"role_id": "navigator", "count": 1, "development_floor": 0.4}],
    "approach": "preventative",
    "measures": [
        {
            "id": "falls",
            "name": "Falls reported",
            "unit": "falls a month",
            "baseline": 40,
            "target": 25,
            "direction": "lower_is_better",
        }
    ],
    "contributions": [
        {"organisation": "Council", "sector": "public", "amount": 30000},
        {
            "organisation": "Trust",
            "sector": "third_sector",
            "amount": 10000,
            "restricted_to": "community",
        },
    ],
}


def test_measures_approach_and_contributions_go_to_the_service_and_come_back() -> None:
    message = OutcomeCreate.model_validate(OUTCOME).to_proto("falls-2027")
    assert message.approach == matching_pb2.APPROACH_PREVENTATIVE
    assert message.measures[0].direction == matching_pb2.DIRECTION_LOWER_IS_BETTER
    assert message.contributions[0].restricted_to == common_pb2.SECTOR_UNSPECIFIED
    assert message.contributions[1].restricted_to == common_pb2.SECTOR_COMMUNITY
    assert message.slots[0].development_floor == pytest.approx(0.4)

    message.state = matching_pb2.OUTCOME_STATE_CLOSED
    message.assessment = matching_pb2.ASSESSMENT_PARTLY_MET
    message.closed_on = "2027-12-31"
    answer = Outcome.of(message).model_dump(mode="json")
    assert answer["approach"] == "preventative"
    assert answer["measures"] == [{**OUTCOME["measures"][0], "baseline": 40.0, "target": 25.0}]
    assert [(c["sector"], c["restricted_to"]) for c in answer["contributions"]] == [
        ("public", None),
        ("third_sector", "community"),
    ]
    assert (answer["state"], answer["assessment"], answer["closed_on"]) == (
        "closed",
        "partly_met",
        "2027-12-31",
    )
    assert answer["slots"][0]["development_floor"] == pytest.approx(0.4)


def test_an_outcome_without_the_new_fields_reads_as_before() -> None:
    plain = {key: value for key, value in OUTCOME.items() if key in {"title", "start", "end"}}
    message = OutcomeCreate.model_validate(
        {**plain, "slots": [{"role_id": "navigator", "count": 1}]}
    ).to_proto("plain")
    assert message.approach == matching_pb2.APPROACH_UNSPECIFIED
    assert not message.slots[0].HasField("development_floor")
    answer = Outcome.of(message)
    assert (answer.approach, answer.state, answer.slots[0].development_floor) == (None, None, None)


def test_bad_learning_fields_are_named() -> None:
    with pytest.raises(ValidationError) as raised:
        OutcomeCreate.model_validate(
            {
                **OUTCOME,
                "approach": "reactive",
                "contributions": [{"organisation": "X", "sector": "public", "amount": -1}],
            }
        )
    fields = {".".join(map(str, error["loc"])) for error in raised.value.errors()}
    assert fields == {"approach", "contributions.0.amount"}
    with pytest.raises(ValidationError):
        Closing.model_validate({"assessment": "caused"})
    with pytest.raises(ValidationError):
        ResultRecord.model_validate({"measure_id": "falls", "value": float("inf"), "date": "x"})


def test_the_proposal_request_carries_collaboration_and_fairness() -> None:
    request = ProposalRequest.model_validate(
        {
            "outcome_ids": ["a"],
            "weights": {"collaboration": 2.5, "new_connections": 0},
            "fairness": {"max_share_of_capacity": 0.8},
        }
    ).to_proto()
    assert request.weights.collaboration == pytest.approx(2.5)
    assert request.weights.HasField("new_connections")
    assert not request.weights.HasField("fairness")
    assert request.fairness.max_share_of_capacity == pytest.approx(0.8)
    assert (
        not ProposalRequest.model_validate({"outcome_ids": ["a"]}).to_proto().HasField("fairness")
    )


def test_the_proposal_shows_placements_contributions_and_fairness_notes() -> None:
    proposal = matching_pb2.Proposal(
        id="p1",
        teams=[
            matching_pb2.Team(
                outcome_id="a",
                assignments=[
                    matching_pb2.Assignment(
                        person_id="ash-1",
                        role_id="navigator",
                        development=True,
                        learns_skill_ids=["case-work"],
                    )
                ],
                contributions=[
                    matching_pb2.ContributionUse(
                        organisation="Trust",
                        sector=common_pb2.SECTOR_THIRD_SECTOR,
                        amount=100,
                        used=60,
                        restricted_to=common_pb2.SECTOR_COMMUNITY,
                    )
                ],
            )
        ],
        fairness_notes=["ash-2 stays at 0.9 of capacity: spreading cost 0.05 fit"],
    )
    answer = Proposal.of(proposal).model_dump(mode="json")
    [assignment] = answer["teams"][0]["assignments"]
    assert (assignment["development"], assignment["learns_skill_ids"]) == (True, ["case-work"])
    assert answer["teams"][0]["contributions"] == [
        {
            "organisation": "Trust",
            "sector": "third_sector",
            "amount": 100.0,
            "used": 60.0,
            "restricted_to": "community",
        }
    ]
    assert answer["fairness_notes"] == proposal.fairness_notes


def test_an_erased_member_keeps_role_and_sector_but_no_identity() -> None:
    member = TeamMember.of(
        matching_pb2.TeamHistoryMember(
            outcome_id="a", person_id="", role_id="weaver", sector=common_pb2.SECTOR_COMMUNITY
        )
    )
    assert (member.person_id, member.role_id, member.sector) == (None, "weaver", "community")


def report() -> matching_pb2.LearningReport:
    return matching_pb2.LearningReport(
        group_by=matching_pb2.LEARNING_GROUPING_LOCALITY,
        min_group_size=3,
        groups=[
            matching_pb2.LearningGroup(
                key="=riverside",
                outcomes=4,
                reported=True,
                figures=[matching_pb2.LearningFigure(name="met_share", value=0.75, count=4)],
                contributions=[
                    matching_pb2.SectorAmount(sector=common_pb2.SECTOR_PUBLIC, amount=1000)
                ],
            ),
            matching_pb2.LearningGroup(
                key="hillcrest",
                outcomes=1,
                reported=False,
                figures=[
                    matching_pb2.LearningFigure(name="met_share", count=1),
                    matching_pb2.LearningFigure(name="progress", count=0),
                ],
            ),
        ],
        notes=["Figures are associated with results; they do not show what caused them."],
    )


def test_the_report_withholds_figures_as_null_with_their_counts() -> None:
    answer = LearningReport.of(report()).model_dump(mode="json")
    assert answer["group_by"] == "locality"
    reported, withheld = answer["groups"]
    assert reported["figures"] == [
        {"name": "met_share", "label": "share of outcomes met", "value": 0.75, "count": 4}
    ]
    assert withheld["figures"][0] == {
        "name": "met_share",
        "label": "share of outcomes met",
        "value": None,
        "count": 1,
    }
    assert reported["contributions"] == [{"sector": "public", "amount": 1000.0}]


def test_the_learning_csv_keeps_counts_notes_and_neutralises_formulas() -> None:
    rows = list(csv.reader(io.StringIO("".join(learning_csv(report())))))
    assert tuple(rows[0]) == LEARNING_COLUMNS
    by_section = [dict(zip(LEARNING_COLUMNS, row, strict=True)) for row in rows[1:]]
    figure, contribution, withheld, nothing, note = by_section
    assert (figure["group"], figure["value"], figure["count"]) == ("'=riverside", "0.75", "4")
    assert (contribution["section"], contribution["name"], contribution["value"]) == (
        "contribution",
        "public",
        "1000.0",
    )
    assert (withheld["value"], withheld["count"], withheld["reported"]) == ("", "1", "no")
    assert withheld["detail"].startswith("withheld")
    assert (nothing["value"], nothing["count"]) == ("", "0")
    assert nothing["detail"].startswith("no data")
    assert note["section"] == "note" and "associated with" in note["detail"]
