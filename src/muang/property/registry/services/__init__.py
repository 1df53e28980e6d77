"""Writes of the property domain (the only place that writes): registry, valuation tables, imports.

Modules: `registry` (parcels, buildings, condominium units), `owners` (owners, ownerships, house
registrations), `signboards`, `valuation` (tax years, price tables, their CSV/Excel import), `imports`
(parcels from GeoJSON, CSV / Excel and zipped Shapefile), `exports` (GeoJSON and Excel; reads only), and the
helpers `geometry`, `ruledata`, `tabular`, `common`. Nothing is imported here, so that `models` can use
the pure `ruledata`.
"""
