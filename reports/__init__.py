"""Rendering for every command: Excel, self-contained HTML, JSON and the terminal; and the masking of
personal data that every report, log and message goes through (:mod:`reports.masking`).

Renderers take report models (:mod:`reports.tables`); they hold no domain logic.
"""
