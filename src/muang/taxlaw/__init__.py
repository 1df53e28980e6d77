"""Thai local tax law as pure functions: no ORM, no I/O, no settings.

A plain package, not a Django app: it has no models and imports nothing from Django or from any domain app
(``taxlaw/tests/test_purity.py`` walks its imports). The property app feeds it a tax year's rule data and
stores what it returns; billing never imports it (a bill's penalty rules reach billing through
:mod:`muang.billing.charges`, registered by the app that issues the bill).

Plain values and frozen rule data in (money from :mod:`muang.core.money`, calendar months from
:mod:`muang.core.thai_dates`), :class:`decimal.Decimal` and explanation structures out.

- :mod:`.land_building` — Land and Building Tax Act B.E. 2562 (assessment, s.35–s.55)
- :mod:`.depreciation` — Treasury building depreciation by age
- :mod:`.signboard` — Signboard Tax Act B.E. 2510
- :mod:`.penalties` — penalties and surcharges of both Acts
- :mod:`.units` — rai-ngan-wah, square wah, m²
- :mod:`.seed` — national default values of all the rule data
"""
