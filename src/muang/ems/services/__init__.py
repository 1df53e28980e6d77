"""Writes of the EMS service: the road network (roads.py), units (units.py), incidents (incidents.py)."""
