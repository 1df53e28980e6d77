"""The tax office pages under /tax/: overview, assessment runs and bills, tax years and price tables, imports
and exports. They call the registry's and the assessment's services and selectors."""
