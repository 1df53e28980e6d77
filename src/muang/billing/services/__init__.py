"""Writes of the billing domain. Keyword-only, permission-checked, atomic, audited.

- :mod:`.bills` — billing profile, issuing and cancelling bills (one or many at once)
- :mod:`.payments` — counter payments and their numbered receipts
- :mod:`.reconciliation` — bank statement import, matching, and staff resolution of lines
- :mod:`.letters` — warning letters
- :mod:`.disputes` — objections and refunds
- :mod:`.notices` — notice and receipt PDFs
"""
