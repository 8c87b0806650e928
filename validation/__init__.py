"""Expectation suites generated from the catalog, run with Great Expectations (see the validation issue)."""
