"""Writes of the self-service domain.

- :mod:`.signin` — one-time codes: request, resend, verify (throttled, locked after 5 wrong codes)
- :mod:`.filings` — ภ.ด.ส.5 change-of-use notices (and the staff decision), ภ.ด.ส.10 objections
"""
