"""HTML pages of the property domain."""
