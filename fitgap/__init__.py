"""fitgap: Fit & Gap, conversion and validation for the migration to the national standard (標準化).

This package is the toolkit's face: the Fit & Gap engine (:mod:`fitgap.assessment`, the municipality profile,
history), the cutover readiness verdict (:mod:`fitgap.readiness`), the steps of the main job that the CLI and
the demo share (:mod:`fitgap.pipeline`), the demo, and the Typer CLI (:mod:`fitgap.cli`). Nothing imports it.
"""

__version__ = "0.1.0"
