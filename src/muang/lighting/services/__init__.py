"""Writes of the lighting app: `poles` (the register, its import and export), `state` (the telemetry listener:
the poles' state and faults), `faults` (faults to repair cases, through the cases services)."""
