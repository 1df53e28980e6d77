"""Writes of the registry (the only place that writes it): `registry` (parcels, buildings, condominium units),
`owners` (owners, ownerships, house registrations), `signboards`, `imports` (parcels from GeoJSON, CSV / Excel
and zipped Shapefile), `exports` (GeoJSON and Excel; reads only), `survey`, and the helpers `geometry`,
`common` (rows of CSV / Excel files: `muang.core.tabular`) (also used by the tax years' imports). Tax years and prices are written by
`muang.property.assessment.services`."""
