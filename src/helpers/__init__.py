"""QT Lab helpers: data layer, liquidity arithmetic, statistics, events, results and plots.

Notebooks import this package and keep to narrative and short calls; the logic lives here.
"""

__version__ = "0.1.0"
