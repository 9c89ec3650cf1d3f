"""Figures specific to one notebook's topic, one module per topic, built on :mod:`helpers.figures.style`."""
