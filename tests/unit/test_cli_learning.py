"""`lps learning` prints every figure with its count, says which are withheld,
and never claims a cause."""

from __future__ import annotations

from rich.console import Console

from services.gateway.cli.learning import print_learning

REPORT = {
    "group_by": "approach",
    "min_group_size": 3,
    "groups": [
        {
            "key": "preventative",
            "outcomes": 4,
            "reported": True,
            "figures": [
                {"name": "met_share", "label": "share of outcomes met", "value": 0.75, "count": 4},
                {"name": "mean_fit", "label": "mean fit", "value": 0.812, "count": 17},
                {
                    "name": "progress",
                    "label": "mean progress towards target",
                    "value": None,
                    "count": 0,
                },
            ],
            "contributions": [{"sector": "third_sector", "amount": 12000.0}],
        },
        {
            "key": "responsive",
            "outcomes": 1,
            "reported": False,
            "figures": [
                {"name": "met_share", "label": "share of outcomes met", "value": None, "count": 1}
            ],
            "contributions": [],
        },
    ],
    "notes": ["These figures are associated with results; they cannot show what caused them."],
}


def test_counts_stand_beside_every_figure_and_withheld_ones_say_so() -> None:
    out = Console(width=200, record=True)
    print_learning(REPORT, out)
    lines = out.export_text().splitlines()
    met = next(line for line in lines if "preventative" in line)
    assert "share of outcomes met" in met and "0.75" in met and " 4 " in met
    assert any("mean fit" in line and "0.81" in line and "17" in line for line in lines)
    responsive = next(line for line in lines if "responsive" in line and "│" in line)
    assert "withheld" in responsive and " 1 " in responsive
    # Nothing counted is not a figure held back.
    assert any("mean progress" in line and "no data" in line for line in lines)
    assert any(
        "budget pooled from the third sector" in line and "£12,000" in line for line in lines
    )
    text = " ".join(lines)
    assert "associated with" in text and "fewer than 3 closed outcomes" in text
    assert "caused them" in text
