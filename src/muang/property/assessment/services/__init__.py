"""Writes of tax years, prices and the assessment: `valuation` (tax years, price tables, their import),
`ruledata` (rule data as JSON ↔ the pure tax law's types), `assessment` (the run) with its `calculator`,
`billing_run` (bills from a run, and signboard bills) and `assessment_exports` (reads only). Nothing is
imported here, so that the models can use the pure `ruledata`."""
