"""What the case engine tells other apps. Cases never import the apps built on top of it (reports, LINE...):
they subscribe here, in their AppConfig.ready().

`case_status_changed` is sent inside the transition's transaction, after its timeline event is written, each
time a case's public status moves: assign (received → assigned), status changes, re-triage back to received,
reopen, forwarding and marking a duplicate. A receiver that writes (an outbox row) commits or rolls back with
the change. Not sent for notes, ratings, invitations or escalation: the status did not move.

Receivers get `case` (the locked row, relations loaded), `old_status` (the code it had), `actor` (staff, or None)
and `citizen` (the reporter who did it themselves, or None).
"""

from django.dispatch import Signal

case_status_changed = Signal()
