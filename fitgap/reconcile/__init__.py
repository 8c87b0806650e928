"""現新比較 (reconciliation): prove that the new data says what the legacy data said, and that the new system's
results match the legacy system's.

- :mod:`fitgap.reconcile.run`: a published conversion against its legacy source, value by value, by key.
- :mod:`fitgap.reconcile.totals`: control totals of the source and the target, with tolerances.
- :mod:`fitgap.reconcile.results`: two result files (legacy and new system) keyed by person.
- :mod:`fitgap.reconcile.models`: what they return (reports and readiness read these).
"""
