"""Proto messages to domain objects and back. Enum values the domain does
not know pass through as text that validation then refuses by field name."""

from __future__ import annotations

from collections.abc import Iterable

import grpc

from lps.common.v1 import common_pb2
from lps.skills.v1 import skills_pb2
from services.skills.domain import fit as fit_domain
from services.skills.domain import model

SECTOR_OF_PROTO: dict[int, str] = {
    common_pb2.SECTOR_PUBLIC: model.Sector.PUBLIC,
    common_pb2.SECTOR_PRIVATE: model.Sector.PRIVATE,
    common_pb2.SECTOR_THIRD_SECTOR: model.Sector.THIRD_SECTOR,
    common_pb2.SECTOR_COMMUNITY: model.Sector.COMMUNITY,
}
PROTO_OF_SECTOR: dict[str, int] = {v: k for k, v in SECTOR_OF_PROTO.items()}

SOURCE_OF_PROTO: dict[int, str] = {
    skills_pb2.LEVEL_SOURCE_SELF: model.LevelSource.SELF,
    skills_pb2.LEVEL_SOURCE_MANAGER: model.LevelSource.MANAGER,
    skills_pb2.LEVEL_SOURCE_TRAINING: model.LevelSource.TRAINING,
    skills_pb2.LEVEL_SOURCE_ASSESSMENT: model.LevelSource.ASSESSMENT,
    skills_pb2.LEVEL_SOURCE_CERTIFICATE: model.LevelSource.CERTIFICATE,
}
PROTO_OF_SOURCE: dict[str, int] = {v: k for k, v in SOURCE_OF_PROTO.items()}

PROTO_OF_STATUS: dict[str, int] = {
    model.RequirementStatus.MET: skills_pb2.REQUIREMENT_STATUS_MET,
    model.RequirementStatus.PARTIAL: skills_pb2.REQUIREMENT_STATUS_PARTIAL,
    model.RequirementStatus.MISSING: skills_pb2.REQUIREMENT_STATUS_MISSING,
}


def sector_of(value: int) -> str:
    """ "" for unspecified; an unknown number becomes text validation refuses."""
    if value == common_pb2.SECTOR_UNSPECIFIED:
        return ""
    return SECTOR_OF_PROTO.get(value, f"unknown sector {value}")


def source_of(value: int, default: str = "") -> str:
    if value == skills_pb2.LEVEL_SOURCE_UNSPECIFIED:
        return default
    return SOURCE_OF_PROTO.get(value, f"unknown source {value}")


def person_of(message: skills_pb2.Person) -> model.Person:
    return model.Person(
        id=message.id,
        name=message.name,
        sector=sector_of(message.sector),
        organisation=message.organisation,
        locality=message.locality,
        capacity_fte=message.capacity_fte,
        day_rate=message.day_rate,
        clearances=tuple(model.Clearance(c.kind, c.expires) for c in message.clearances),
        available_from=message.available_from,
        available_until=message.available_until,
    )


def claim_of(message: skills_pb2.PersonLevelInput | skills_pb2.SetLevelRequest) -> model.LevelClaim:
    """An unspecified source is a self-declared level, the weakest kind."""
    return model.LevelClaim(
        skill_id=message.skill_id,
        level=message.level,
        source=source_of(message.source, model.LevelSource.SELF),
        evidence=message.evidence,
        assessed_by=message.assessed_by,
        assessed_at=message.assessed_at,
        valid_until=message.valid_until,
    )


def person_import_of(row: skills_pb2.PersonImportRow) -> model.PersonImport:
    return model.PersonImport(
        person=person_of(row.person),
        levels=tuple(claim_of(level) for level in row.levels),
        actor=row.actor,
        keep_stored=frozenset(row.keep_stored),
    )


def esco_row_of(row: skills_pb2.SkillImportRow) -> model.EscoRow:
    kind = row.WhichOneof("row")
    if kind == "broader":
        return model.EscoBroaderRow(row.broader.concept_uri, row.broader.broader_uri)
    if kind == "relation":
        return model.EscoRelationRow(
            original_skill_uri=row.relation.original_skill_uri,
            related_skill_uri=row.relation.related_skill_uri,
            relation_type=row.relation.relation_type,
        )
    # A row with no kind reads as an empty skill row and is refused as such.
    skill = row.skill
    return model.EscoSkillRow(
        concept_uri=skill.concept_uri,
        preferred_label=skill.preferred_label,
        alt_labels=skill.alt_labels,
        description=skill.description,
        skill_type=skill.skill_type,
        reuse_level=skill.reuse_level,
        concept_type=skill.concept_type,
    )


def filter_of(message: common_pb2.PeopleFilter) -> model.PeopleFilter:
    return model.PeopleFilter(
        sector=sector_of(message.sector),
        organisation=message.organisation,
        locality=message.locality,
        skill_id=message.skill_id,
        min_level=message.min_level,
        available_from=message.available_from,
        available_until=message.available_until,
        clearance=message.clearance,
        clearance_valid_until=message.clearance_valid_until,
    )


def skill_of(message: skills_pb2.Skill) -> model.Skill:
    return model.Skill(
        id=message.id,
        label=message.label,
        alt_labels=tuple(message.alt_labels),
        description=message.description,
        broader=tuple(message.broader),
        uri=message.uri,
    )


def role_of(message: skills_pb2.Role) -> model.Role:
    return model.Role(
        id=message.id,
        name=message.name,
        description=message.description,
        requirements=tuple(
            model.Requirement(r.skill_id, r.min_level, r.weight, r.essential)
            for r in message.requirements
        ),
    )


def person_skill_message(claim: model.LevelClaim) -> skills_pb2.PersonSkill:
    return skills_pb2.PersonSkill(
        skill_id=claim.skill_id,
        level=claim.level,
        evidence=claim.evidence,
        source=PROTO_OF_SOURCE.get(claim.source, skills_pb2.LEVEL_SOURCE_UNSPECIFIED),  # type: ignore[arg-type]
        assessed_by=claim.assessed_by,
        assessed_at=claim.assessed_at,
        valid_until=claim.valid_until,
    )


def clearance_messages(clearances: Iterable[model.Clearance]) -> list[common_pb2.Clearance]:
    return [common_pb2.Clearance(kind=c.kind, expires=c.expires) for c in clearances]


def person_message(person: model.Person) -> skills_pb2.Person:
    return skills_pb2.Person(
        id=person.id,
        name=person.name,
        sector=PROTO_OF_SECTOR.get(person.sector, common_pb2.SECTOR_UNSPECIFIED),  # type: ignore[arg-type]
        organisation=person.organisation,
        locality=person.locality,
        capacity_fte=person.capacity_fte,
        day_rate=person.day_rate,
        clearances=clearance_messages(person.clearances),
        skills=[person_skill_message(c) for c in person.skills],
        available_from=person.available_from,
        available_until=person.available_until,
    )


def skill_message(skill: model.Skill) -> skills_pb2.Skill:
    return skills_pb2.Skill(
        id=skill.id,
        label=skill.label,
        alt_labels=list(skill.alt_labels),
        description=skill.description,
        broader=list(skill.broader),
        uri=skill.uri,
        narrower=list(skill.narrower),
        kind=skill.kind,
        related=[
            skills_pb2.RelatedSkill(skill_id=r.skill_id, similarity=r.similarity)
            for r in skill.related
        ],
    )


def role_message(role: model.Role) -> skills_pb2.Role:
    return skills_pb2.Role(
        id=role.id,
        name=role.name,
        description=role.description,
        requirements=[
            skills_pb2.Requirement(
                skill_id=r.skill_id, min_level=r.min_level, weight=r.weight, essential=r.essential
            )
            for r in role.requirements
        ],
    )


def fit_message(fit: fit_domain.Fit) -> skills_pb2.Fit:
    return skills_pb2.Fit(
        person_id=fit.person_id,
        role_id=fit.role_id,
        fit=fit.fit,
        requirements=[
            skills_pb2.RequirementFit(
                skill_id=r.skill_id,
                min_level=r.min_level,
                level=r.level,
                credit=r.credit,
                status=PROTO_OF_STATUS[r.status],  # type: ignore[arg-type]
                via_skill_id=r.via_skill_id,
                weight=r.weight,
                essential=r.essential,
            )
            for r in fit.requirements
        ],
        essential_gaps=list(fit.essential_gaps),
        steps=[gap_step_message(s) for s in fit.steps],
    )


def gap_step_message(step: fit_domain.GapStep) -> skills_pb2.GapStep:
    return skills_pb2.GapStep(
        skill_id=step.skill_id,
        from_level=step.from_level,
        to_level=step.to_level,
        fit_gain=step.fit_gain,
        fit_after=step.fit_after,
        essential=step.essential,
    )


def gap_report_message(report: fit_domain.GapReport) -> skills_pb2.GapReport:
    return skills_pb2.GapReport(
        person_id=report.person_id,
        role_id=report.role_id,
        fit=report.fit,
        steps=[gap_step_message(s) for s in report.steps],
    )


def level_change_message(change: model.LevelChange) -> skills_pb2.LevelChange:
    return skills_pb2.LevelChange(
        skill_id=change.skill_id,
        source=PROTO_OF_SOURCE.get(change.source, skills_pb2.LEVEL_SOURCE_UNSPECIFIED),  # type: ignore[arg-type]
        from_level=change.from_level,
        to_level=change.to_level,
        actor=change.actor,
        at=change.at,
        evidence=change.evidence,
        valid_until=change.valid_until,
    )


def import_summary_message(summary: model.ImportSummary) -> skills_pb2.ImportSummary:
    return skills_pb2.ImportSummary(
        accepted=summary.accepted,
        rejected=summary.rejected,
        errors=[
            common_pb2.RowError(row=e.row, id=e.id, field=e.field, reason=e.reason)
            for e in summary.errors
        ],
        levels_written=summary.levels_written,
        relations_written=summary.relations_written,
        unchanged=summary.unchanged,
        relations_pending=summary.relations_pending,
    )


def candidate_row_message(row: model.CandidateRow) -> skills_pb2.CandidateRow:
    person = row.person
    return skills_pb2.CandidateRow(
        person_id=person.id,
        name=person.name,
        sector=PROTO_OF_SECTOR.get(person.sector, common_pb2.SECTOR_UNSPECIFIED),  # type: ignore[arg-type]
        organisation=person.organisation,
        locality=person.locality,
        capacity_fte=person.capacity_fte,
        day_rate=person.day_rate,
        clearances=clearance_messages(person.clearances),
        fits=row.fits,
        levels=row.levels,
        available_from=person.available_from,
        available_until=person.available_until,
    )


def level_overrides_of(
    request: skills_pb2.CandidateMatrixRequest | skills_pb2.SlotCandidatesRequest,
) -> list[model.LevelOverride]:
    return [model.LevelOverride(o.person_id, o.skill_id, o.level) for o in request.level_overrides]


def slot_request_of(request: skills_pb2.SlotCandidatesRequest) -> model.SlotCandidatesRequest:
    return model.SlotCandidatesRequest(
        slots=tuple(
            model.SlotQuery(
                key=s.key,
                role_id=s.role_id,
                min_fit=s.min_fit,
                fte=s.fte,
                locality=s.locality,
                local_only=s.local_only,
                prefer_local=s.prefer_local,
                clearance=s.clearance,
                start=s.start,
                end=s.end,
                exclude_organisation=s.exclude_organisation,
                keep=s.keep,
                keep_per_sector=s.keep_per_sector,
                coverage=tuple(model.SkillAtLevel(c.skill_id, c.min_level) for c in s.coverage),
                always_keep=tuple(s.always_keep),
                supply_group=s.supply_group,
            )
            for s in request.slots
        ),
        skill_ids=tuple(request.skill_ids),
        level_overrides=tuple(level_overrides_of(request)),
        exclude_person_ids=tuple(request.exclude_person_ids),
        committed=tuple(
            model.CommittedLoad(c.person_id, c.fte, c.start, c.end) for c in request.committed
        ),
        counts_only=request.counts_only,
        skill_supply=tuple(
            model.SkillSupplyQuery(q.key, q.skill_id, q.min_level, q.locality, q.start, q.end)
            for q in request.skill_supply
        ),
    )


def slot_pool_message(pool: model.SlotPool) -> skills_pb2.SlotPool:
    return skills_pb2.SlotPool(
        key=pool.key, eligible=pool.eligible, kept=pool.kept, passing=pool.passing
    )


def supply_messages(supply: dict[str, int]) -> list[skills_pb2.SupplyCount]:
    return [skills_pb2.SupplyCount(key=key, people=people) for key, people in supply.items()]


def time_left(context: grpc.aio.ServicerContext) -> float | None:
    """Seconds until the caller's deadline, handed to the graph as a query timeout."""
    remaining = context.time_remaining()
    return None if remaining is None else float(remaining)
