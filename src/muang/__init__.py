"""Muang (เมือง): an open-source smart-city platform for Thai local governments."""
