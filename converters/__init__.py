"""Legacy exports into the standard layouts in DuckDB (see the conversion issue; not built yet)."""
