"""fitgap: Fit & Gap, conversion and validation for the migration to the national standard (標準化).

This package is the toolkit's face: the CLI (:mod:`fitgap.cli`) and, with later issues, the Fit & Gap
engine and the end-to-end pipeline.
"""

__version__ = "0.1.0"
