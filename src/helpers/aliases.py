"""Type aliases shared across the package, defined once.

Option strings that belong to one method (an ``Alternative`` of a test, a bootstrap ``method``) are
``Literal`` aliases in the module that defines the method (e.g. :mod:`helpers.methods.inference`);
the aliases here are the ones every layer uses.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd

#: A float array (a path, a set of bootstrap draws).
FloatArray: TypeAlias = npt.NDArray[np.float64]
#: An integer array (offsets, indices).
IntArray: TypeAlias = npt.NDArray[np.int64]
#: A date given as a timestamp or an ISO string.
DateLike: TypeAlias = str | pd.Timestamp
#: A window bound: a date, or ``None`` for open (to the start or end of the data).
Date: TypeAlias = pd.Timestamp | str | None
#: Event dates: a list, or a mapping of label to date.
Events: TypeAlias = Sequence[DateLike] | Mapping[str, DateLike]
