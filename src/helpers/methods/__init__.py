"""Reusable, notebook-agnostic methods: transforms, inference, time series, event studies, regimes, risk.

Nothing here knows about claims, notebooks or reports: a method takes arrays or series and returns
numbers, frames or small frozen dataclasses. The studies (:mod:`helpers.studies`) compose them.
"""
