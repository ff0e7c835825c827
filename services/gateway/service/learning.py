"""The learning report as CSV: one row per figure of each group (its count
beside it, its value empty when withheld), the contributions by sector, and
the report's notes, so that a spreadsheet carries the same caveats."""

from __future__ import annotations

from collections.abc import Iterator

from lps.matching.v1 import matching_pb2
from services.gateway.adapters.enums import SECTOR_TO_PROTO, from_proto
from services.gateway.domain.csv_safety import csv_lines
from services.gateway.domain.learning import figure_label

LEARNING_COLUMNS = (
    "section",
    "group",
    "outcomes",
    "reported",
    "name",
    "label",
    "value",
    "count",
    "detail",
)
WITHHELD = "withheld: counted on fewer than the minimum group size"
NO_DATA = "no data: nothing was counted"


def learning_rows(report: matching_pb2.LearningReport) -> Iterator[list[object]]:
    for group in report.groups:
        reported = "yes" if group.reported else "no"
        for figure in group.figures:
            value: object = round(figure.value, 6) if figure.HasField("value") else ""
            detail = ""
            if not figure.HasField("value"):
                detail = NO_DATA if figure.count == 0 else WITHHELD
            yield [
                "figure",
                group.key,
                group.outcomes,
                reported,
                figure.name,
                figure_label(figure.name),
                value,
                figure.count,
                detail,
            ]
        for contribution in group.contributions:
            sector = from_proto(SECTOR_TO_PROTO, contribution.sector)
            yield [
                "contribution",
                group.key,
                group.outcomes,
                reported,
                sector.value if sector else "",
                "contributed by the sector",
                round(contribution.amount, 2),
                "",
                "",
            ]
    for note in report.notes:
        yield ["note", "", "", "", "", "", "", "", note]


def learning_csv(report: matching_pb2.LearningReport) -> Iterator[str]:
    yield from csv_lines(LEARNING_COLUMNS, learning_rows(report))
