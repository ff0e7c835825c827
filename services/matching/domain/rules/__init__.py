"""Every team and eligibility rule of staffing, one module each.

A module holds the whole rule: its stable name (conflicts and assumption
literals use it), its plain predicate (the greedy baseline, the fast path,
training and explanations ask it), its CP-SAT form (`add_to_model`, which
the staffing model calls) and its wording for reasons and conflicts.

Eligibility filters (who may fill a slot at all), registered in
`eligibility.SLOT_FILTERS`:
  excluded, min_fit, availability, capacity (also the team rule below),
  clearance, conflict_of_interest, locality

Team rules, registered in `staffing_model.REQUEST_RULES` (across outcomes)
and `staffing_model.OUTCOME_RULES` (per outcome):
  slot_count, pins, capacity, development, collaboration, fairness;
  budget, min_sectors, sector_share, community, coverage, pooled_budget

`slot_filter` is the shape of a filter, `outcome_rule` the shape of a rule
per outcome, `context` what a CP-SAT form is given, `derived` the auxiliary
literals a rule hints, `facts` what the wording is given.
"""
