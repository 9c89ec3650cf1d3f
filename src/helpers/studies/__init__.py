"""One module per notebook: the glue a notebook calls, its tables and its evidence text.

A study composes :mod:`helpers.methods` on the series of :mod:`helpers.data`; the verdict rules that
read its numbers live in :mod:`helpers.claims`.
"""
