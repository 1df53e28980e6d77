"""Writes of the iot app: `devices` (profiles, devices, credentials), `ingest` (every channel's readings),
`partitions` (the telemetry table's months)."""
