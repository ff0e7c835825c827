"""Enum maps derived from the protos (services.common.proto_enums)."""

from __future__ import annotations

from enum import StrEnum

import pytest

from lps.common.v1 import common_pb2
from lps.matching.v1 import matching_pb2
from services.common.proto_enums import ProtoEnum
from services.matching.domain.model import Sector, SolveStatus


def test_words_are_the_proto_names_without_their_prefix_both_ways() -> None:
    sectors = ProtoEnum(common_pb2.Sector, Sector)
    assert sectors.to_proto(Sector.THIRD_SECTOR) == common_pb2.SECTOR_THIRD_SECTOR
    assert sectors.of_proto(common_pb2.SECTOR_COMMUNITY) is Sector.COMMUNITY
    assert sectors.of_proto(common_pb2.SECTOR_UNSPECIFIED) is None
    assert sectors.of_proto_or(99, Sector.PUBLIC) is Sector.PUBLIC


def test_a_proto_value_the_words_lack_reads_as_none() -> None:
    statuses = ProtoEnum(matching_pb2.ProposalStatus, SolveStatus)
    assert statuses.of_proto(matching_pb2.PROPOSAL_STATUS_UNCONFIRMED) is None
    assert set(statuses.table()) == set(SolveStatus)


def test_a_word_the_proto_lacks_is_refused_when_the_map_is_made() -> None:
    class Drifted(StrEnum):
        PUBLIC = "public"
        CHARITY = "charity"

    with pytest.raises(ValueError, match="charity"):
        ProtoEnum(common_pb2.Sector, Drifted)
