"""Bodies to proto messages and back, by field name and annotation."""

from __future__ import annotations

from datetime import date

from lps.common.v1 import common_pb2
from lps.matching.v1 import matching_pb2
from lps.skills.v1 import skills_pb2
from services.gateway.domain.vocabulary import (
    Approach,
    AssignmentState,
    LevelSource,
    LocalityRule,
    OutcomeState,
    ProposalStatus,
    Sector,
)
from services.gateway.entrypoints.http.schemas.messages import from_message, to_message
from services.gateway.entrypoints.http.schemas.outcomes import (
    Outcome,
    OutcomeCreate,
    Proposal,
    ProposalRequest,
)
from services.gateway.entrypoints.http.schemas.people import (
    Candidate,
    Fit,
    PersonSkill,
    RequirementFit,
)


def test_absent_optionals_empty_text_and_unset_enumerations_read_as_null() -> None:
    message = matching_pb2.Outcome(
        id="o1",
        title="Warm homes",
        start="2030-01-01",
        slots=[
            matching_pb2.Slot(role_id="navigator", count=2, fte=0.5, development_floor=0.2),
            matching_pb2.Slot(role_id="weaver", count=1, fte=1.0),
        ],
        rules=matching_pb2.TeamRules(locality=matching_pb2.LOCALITY_RULE_PREFER_LOCAL),
        approach=matching_pb2.APPROACH_PREVENTATIVE,
        contributions=[
            matching_pb2.BudgetContribution(
                organisation="council", sector=common_pb2.SECTOR_PUBLIC, amount=10.0
            )
        ],
        state=matching_pb2.OUTCOME_STATE_OPEN,
    )
    outcome = from_message(Outcome, message)
    assert (outcome.start, outcome.end, outcome.closed_on) == (date(2030, 1, 1), None, None)
    assert [slot.development_floor for slot in outcome.slots] == [0.2, None]
    assert outcome.rules.max_sector_share is None
    assert outcome.rules.locality is LocalityRule.PREFER_LOCAL
    assert (outcome.approach, outcome.state, outcome.assessment) == (
        Approach.PREVENTATIVE,
        OutcomeState.OPEN,
        None,
    )
    [contribution] = outcome.contributions
    assert (contribution.sector, contribution.restricted_to) == (Sector.PUBLIC, None)


def test_nested_lists_and_a_message_present_or_absent() -> None:
    line = matching_pb2.Assignment(
        person_id="ann",
        outcome_id="o1",
        state=matching_pb2.ASSIGNMENT_STATE_PROPOSED,
        sector=common_pb2.SECTOR_COMMUNITY,
        development=True,
        learns_skill_ids=["casework"],
    )
    message = matching_pb2.Proposal(
        status=matching_pb2.PROPOSAL_STATUS_OPTIMAL,
        teams=[matching_pb2.Team(outcome_id="o1", assignments=[line], cost=3.0)],
        fairness_notes=["costs 0.1 of fit"],
    )
    proposal = from_message(Proposal, message)
    assert (proposal.id, proposal.created_at, proposal.diff) == (None, None, None)
    assert proposal.status is ProposalStatus.OPTIMAL
    [assignment] = proposal.teams[0].assignments
    assert (assignment.state, assignment.sector) == (AssignmentState.PROPOSED, Sector.COMMUNITY)
    assert assignment.learns_skill_ids == ["casework"] and proposal.fairness_notes == [
        "costs 0.1 of fit"
    ]
    message.diff.CopyFrom(matching_pb2.ProposalDiff(added=[line], objective_delta=2.0))
    diff = from_message(Proposal, message).diff
    assert diff is not None and [a.person_id for a in diff.added] == ["ann"]


def test_given_values_win_over_the_message() -> None:
    message = matching_pb2.Proposal(id="p1", summary="from the wire")
    assert from_message(Proposal, message, summary="given").summary == "given"


def test_a_body_becomes_its_message_with_words_as_numbers_and_absent_fields_unset() -> None:
    body = OutcomeCreate.model_validate(
        {
            "title": "Warm homes",
            "start": "2030-01-01",
            "end": "2030-06-30",
            "slots": [{"role_id": "navigator", "count": 2, "development_floor": 0.2}],
            "rules": {"locality": "local_only"},
            "contributions": [{"organisation": "trust", "sector": "third_sector", "amount": 5}],
        }
    )
    message = to_message(matching_pb2.Outcome, body, id="o1")
    assert (message.id, message.start, message.end) == ("o1", "2030-01-01", "2030-06-30")
    assert message.slots[0].development_floor == 0.2
    assert not message.rules.HasField("max_sector_share")
    assert message.rules.locality == matching_pb2.LOCALITY_RULE_LOCAL_ONLY
    assert message.contributions[0].sector == common_pb2.SECTOR_THIRD_SECTOR
    assert message.approach == matching_pb2.APPROACH_UNSPECIFIED


def test_a_weight_left_out_stays_absent_and_zero_is_sent() -> None:
    body = ProposalRequest.model_validate(
        {"outcome_ids": ["o1"], "weights": {"cost": 0}, "mode": "strict"}
    )
    message = to_message(matching_pb2.ProposeStaffingRequest, body)
    assert message.weights.HasField("cost") and message.weights.cost == 0
    assert not message.weights.HasField("fit")
    assert message.mode == matching_pb2.STAFFING_MODE_STRICT
    assert not message.HasField("what_if") and not message.HasField("fairness")


def test_nested_models_read_plainly_are_models_of_their_own_class() -> None:
    message = skills_pb2.Candidate(
        person=skills_pb2.Person(
            id="ann",
            name="Ann",
            sector=common_pb2.SECTOR_COMMUNITY,
            clearances=[common_pb2.Clearance(kind="dbs", expires="2030-01-01")],
            skills=[
                skills_pb2.PersonSkill(
                    skill_id="casework",
                    level=3,
                    source=skills_pb2.LEVEL_SOURCE_MANAGER,
                    assessed_at="2026-02-03",
                )
            ],
        ),
        fit=skills_pb2.Fit(
            person_id="ann",
            role_id="navigator",
            fit=0.5,
            requirements=[skills_pb2.RequirementFit(skill_id="casework", min_level=2, level=3)],
            steps=[skills_pb2.GapStep(skill_id="casework", from_level=3, to_level=4)],
        ),
    )
    candidate = Candidate.of(message)
    [level] = candidate.person.skills
    assert isinstance(level, PersonSkill) and isinstance(candidate.fit, Fit)
    assert (level.source, level.assessed_at, level.valid_until) == (
        LevelSource.MANAGER,
        date(2026, 2, 3),
        None,
    )
    assert candidate.person.sector is Sector.COMMUNITY
    assert [c.kind for c in candidate.person.clearances] == ["dbs"]
    assert isinstance(candidate.fit.requirements[0], RequirementFit)
    assert [step.to_level for step in candidate.fit.steps] == [4]
    assert PersonSkill.of(message.person.skills[0]) == level
