"""The names service/index_keeper.py reads its port by; the ports themselves
live in service/ports.py."""

from __future__ import annotations

from services.skills.service.ports import IndexChange, IndexClaim, IndexRecords, ScoringReads

SkillsRepository = ScoringReads

__all__ = ["IndexChange", "IndexClaim", "IndexRecords", "SkillsRepository"]
