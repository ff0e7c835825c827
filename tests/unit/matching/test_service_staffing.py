from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.common.errors import InvalidArgument
from services.matching.domain.model import (
    Assignment,
    Candidate,
    ObjectiveWeights,
    Outcome,
    Pin,
    Sector,
    SkillCoverage,
    Slot,
    SolveStatus,
    StaffingResult,
    TeamRules,
)
from services.matching.domain.proposals import LaterCommit, ProposalRecord, refusal_to_commit
from services.matching.service.ports import LevelOverride
from services.matching.service.staffing import (
    ProposeCommand,
    StaffingLimits,
    WhatIfChange,
    apply_what_if,
    matrix_scope,
    validate_command,
)

NOW = datetime(2030, 1, 1, tzinfo=UTC)


def outcome(outcome_id: str = "o1") -> Outcome:
    return Outcome(
        id=outcome_id,
        title=outcome_id,
        locality="ashbridge",
        priority=3,
        budget=10_000.0,
        start=date(2030, 1, 1),
        end=date(2030, 3, 1),
        days=10.0,
        slots=(Slot("navigator", 2, 0.5, min_fit=0.6), Slot("weaver", 1, 1.0, min_fit=0.3)),
        skill_coverage=(SkillCoverage("listening", 3, 1),),
        rules=TeamRules(min_sectors=2),
    )


def person(person_id: str, levels: dict[str, int] | None = None) -> Candidate:
    return Candidate(
        person_id=person_id,
        name=person_id,
        sector=Sector.PUBLIC,
        organisation="council",
        locality="ashbridge",
        capacity_fte=1.0,
        day_rate=300.0,
        fits={"navigator": 0.7},
        levels=levels or {},
    )


def line(person_id: str, outcome_id: str = "o1") -> Assignment:
    return Assignment(outcome_id, person_id, "navigator", 0.5, 0.7, 1500.0, Sector.PUBLIC)


def proposal(**changes: object) -> ProposalRecord:
    values: dict[str, object] = {
        "id": "p1",
        "outcome_ids": ("o1",),
        "result": StaffingResult(
            SolveStatus.OPTIMAL, 1.0, 1.0, 0.0, 0.1, (line("ann"), line("bob"))
        ),
        "created_at": NOW,
        "basis_sequence": 4,
        "capacity_seen": {"ann": 1.0, "bob": 0.5},
    }
    values.update(changes)
    return ProposalRecord(**values)  # type: ignore[arg-type]


def test_a_fresh_proposal_with_unchanged_capacities_may_be_committed():
    assert refusal_to_commit(proposal(), [], {"ann": 1.0, "bob": 0.5}) is None


def test_a_committed_proposal_is_refused():
    refusal = refusal_to_commit(
        proposal(committed=True, committed_at=NOW), [], {"ann": 1.0, "bob": 0.5}
    )
    assert refusal is not None and "already committed" in refusal


def test_a_later_commitment_makes_it_stale_and_names_the_person():
    later = [LaterCommit(6, "bob", "o2"), LaterCommit(5, "ann", "o1")]
    refusal = refusal_to_commit(proposal(), later, {"ann": 1.0, "bob": 0.5})
    assert refusal is not None and "stale" in refusal and "ann on o1" in refusal


def test_a_capacity_change_makes_it_stale():
    refusal = refusal_to_commit(proposal(), [], {"ann": 1.0, "bob": 0.25})
    assert refusal is not None and "capacity of bob changed from 0.5 to 0.25" in refusal


def test_a_person_skills_no_longer_knows_makes_it_stale():
    refusal = refusal_to_commit(proposal(), [], {"ann": 1.0, "bob": None})
    assert refusal is not None and "bob is no longer known" in refusal


def test_an_infeasible_proposal_has_nothing_to_commit():
    empty = StaffingResult(SolveStatus.INFEASIBLE, 0.0, 0.0, 0.0, 0.1, ())
    refusal = refusal_to_commit(proposal(result=empty, capacity_seen={}), [], {})
    assert refusal is not None and "nothing to commit" in refusal


def test_a_marked_stale_proposal_gives_its_reason():
    refusal = refusal_to_commit(proposal(stale_reason="outcome o1 changed after it"), [], {})
    assert refusal == "proposal p1 is stale: outcome o1 changed after it; propose again"


def test_time_limits_default_when_unset_and_are_capped():
    limits = StaffingLimits(default_time_limit_s=10.0, max_time_limit_s=60.0)
    assert limits.time_limit(0.0) == 10.0
    assert limits.time_limit(5.0) == 5.0
    assert limits.time_limit(600.0) == 60.0


def test_the_matrix_scope_covers_every_role_and_coverage_skill_at_the_lowest_minimum_fit():
    roles, skills, min_fit = matrix_scope([outcome("o1"), outcome("o2")])
    assert roles == ["navigator", "weaver"]
    assert skills == ["listening"]
    assert min_fit == 0.3


def test_a_what_if_drops_leavers_raises_levels_and_swaps_rules():
    new_rules = TeamRules(min_sectors=0)
    outcomes, people = apply_what_if(
        [outcome("o1"), outcome("o2")],
        [person("ann", {"listening": 1}), person("bob"), person("cat")],
        WhatIfChange(
            remove_person_ids=("bob",),
            level_changes=(LevelOverride("ann", "listening", 4),),
            rule_overrides=(("o2", new_rules),),
        ),
    )
    assert [p.person_id for p in people] == ["ann", "cat"]
    assert people[0].levels == {"listening": 4}
    assert [o.rules for o in outcomes] == [outcome("o1").rules, new_rules]


@pytest.mark.parametrize(
    ("command", "field"),
    [
        (ProposeCommand(("o1",), pins=(Pin("ann", "o9", "navigator"),)), "pins[0].outcome_id"),
        (ProposeCommand(("o1",), pins=(Pin("ann", "o1", "architect"),)), "pins[0].role_id"),
        (
            ProposeCommand(("o1",), pins=(Pin("ann", "o1", "navigator"),), exclusions=("ann",)),
            "pins[0].person_id",
        ),
        (ProposeCommand(("o1",), time_limit_s=-1.0), "time_limit_s"),
        (ProposeCommand(("o1",), weights=ObjectiveWeights(cost=-1.0)), "weights.cost"),
        (
            ProposeCommand(
                ("o1",), what_if=WhatIfChange(level_changes=(LevelOverride("ann", "x", 7),))
            ),
            "what_if.level_changes[0].level",
        ),
        (
            ProposeCommand(("o1",), what_if=WhatIfChange(rule_overrides=(("o2", TeamRules()),))),
            "what_if.rule_overrides[0].outcome_id",
        ),
    ],
)
def test_commands_that_refer_to_what_is_not_staffed_name_the_field(
    command: ProposeCommand, field: str
):
    with pytest.raises(InvalidArgument) as error:
        validate_command(command, [outcome("o1")])
    assert [v.field for v in error.value.violations] == [field]


def test_a_sound_command_passes():
    validate_command(
        ProposeCommand(("o1",), pins=(Pin("ann", "o1", "weaver"),), exclusions=("bob",)),
        [outcome("o1")],
    )
