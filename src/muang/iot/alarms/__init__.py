"""Alarms of the iot app (issue 10): rules per profile (`rules`, pure), raising and clearing them from readings
and silence, their lifecycle and the case they open (`services`), reads (`selectors`), the case page's panel
(`panels`) and the staff API (`api`)."""
