"""The one servicer of SkillsService answers every RPC the contract names,
each routed to the handler of its aggregate (none left to the generated
UNIMPLEMENTED default)."""

from __future__ import annotations

from lps.skills.v1 import skills_pb2, skills_pb2_grpc
from services.skills.entrypoints.servicer import SkillsServicer


def test_every_rpc_of_the_contract_is_served() -> None:
    service = skills_pb2.DESCRIPTOR.services_by_name["SkillsService"]
    generated = skills_pb2_grpc.SkillsServiceServicer
    unserved = [
        method.name
        for method in service.methods
        if getattr(SkillsServicer, method.name) is getattr(generated, method.name)
    ]
    assert unserved == []


def test_the_servicer_inherits_only_the_generated_interface() -> None:
    assert SkillsServicer.__mro__[1:] == skills_pb2_grpc.SkillsServiceServicer.__mro__
