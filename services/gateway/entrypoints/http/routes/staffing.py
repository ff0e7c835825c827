"""Staffing proposals: propose, read, commit."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response, status

from services.gateway.entrypoints.http.deps import Matching, ReadOutcomes, Staff
from services.gateway.entrypoints.http.schemas.outcomes import Proposal, ProposalRequest

router = APIRouter(prefix="/v1/staffing/proposals", tags=["staffing"])

ProposalId = Annotated[str, Path(min_length=1, max_length=256)]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Staff one or more outcomes (a what-if is answered with 200 and stores nothing)",
    responses={
        200: {"model": Proposal, "description": "A what-if: the proposal, stored nowhere."},
        201: {"description": "The proposal, stored (Location names it)."},
    },
)
async def propose_staffing(
    body: ProposalRequest, _: Staff, matching: Matching, response: Response
) -> Proposal:
    proposal = await matching.propose_staffing(body.to_proto())
    if proposal.id:
        response.headers["Location"] = f"/v1/staffing/proposals/{proposal.id}"
    else:
        response.status_code = status.HTTP_200_OK
    return Proposal.of(proposal)


@router.get("/{proposal_id}", summary="One proposal")
async def get_proposal(proposal_id: ProposalId, _: ReadOutcomes, matching: Matching) -> Proposal:
    return Proposal.of(await matching.get_proposal(proposal_id))


@router.post("/{proposal_id}/commit", summary="Commit a proposal, all or nothing")
async def commit_proposal(proposal_id: ProposalId, key: Staff, matching: Matching) -> Proposal:
    return Proposal.of(await matching.commit_proposal(proposal_id, actor=key.id))
