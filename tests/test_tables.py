"""Tables shown on pages: every cell is text, so Streamlit's Arrow conversion never has to repair a mixed column."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from pages._ui.tables import readable


def test_whole_numbers_beside_unknowns_become_text_that_arrow_takes_as_is():
    frame = pd.DataFrame({"results": pd.Series([3, None, 1200], dtype="Int64"),
                          "minutes": [np.int64(45), np.int64(1500), np.int64(0)],
                          "rate": [0.5, float("nan"), 45.333]})
    shown = readable(frame, "ja")
    assert shown.map(type).eq(str).all().all()
    assert list(shown.iloc[:, 0]) == ["3", "—", "1,200"]
    assert list(shown.iloc[:, 1]) == ["45", "1,500", "0"]
    assert list(shown.iloc[:, 2]) == ["0.5", "—", "45.33"]
    pa.Table.from_pandas(shown)  # a mixed int/str column raises ArrowTypeError here
