"""Rendering for every command: Excel, JSON and the terminal (HTML and masking come with later issues).

Renderers take report models (:mod:`reports.tables`); they hold no domain logic.
"""
