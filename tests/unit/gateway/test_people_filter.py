from __future__ import annotations

from datetime import date

import pytest

from lps.common.v1 import common_pb2
from services.common.errors import InvalidArgument
from services.gateway.domain.vocabulary import Sector
from services.gateway.entrypoints.http.schemas.people import people_filter


def test_every_candidate_filter_reaches_the_people_filter() -> None:
    sent = people_filter(
        Sector.COMMUNITY,
        "Council",
        "Northfield",
        "empathy",
        3,
        available_from=date(2027, 1, 4),
        available_until=date(2027, 6, 30),
        clearance="dbs",
        clearance_valid_until=date(2027, 6, 30),
    )
    assert sent == common_pb2.PeopleFilter(
        sector=common_pb2.SECTOR_COMMUNITY,
        organisation="Council",
        locality="Northfield",
        skill_id="empathy",
        min_level=3,
        available_from="2027-01-04",
        available_until="2027-06-30",
        clearance="dbs",
        clearance_valid_until="2027-06-30",
    )


def test_filters_left_out_are_empty() -> None:
    assert people_filter(None, None, None, None, None) == common_pb2.PeopleFilter()


def test_a_period_ending_before_it_starts_names_its_end() -> None:
    with pytest.raises(InvalidArgument) as raised:
        people_filter(None, None, None, None, None, date(2027, 6, 30), date(2027, 1, 4), None, None)
    assert [v.field for v in raised.value.violations] == ["available_until"]


def test_a_clearance_date_needs_the_clearance() -> None:
    with pytest.raises(InvalidArgument) as raised:
        people_filter(None, None, None, None, None, clearance_valid_until=date(2027, 1, 4))
    assert [v.field for v in raised.value.violations] == ["clearance_valid_until"]
