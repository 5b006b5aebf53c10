"""The file formats the log reader reads: one list for the uploader's `type=`, the reader and the CLI.

A format the reader learns goes here once; the log page's uploader accepts it and its caption must name it
(tests/test_log_revisions.py checks both), so the browser never refuses a file the reader would have read.
"""

from __future__ import annotations

TEXT_FORMATS = ("csv", "tsv", "txt")  # what Excel, Google Sheets and Numbers write as text
WORKBOOK_FORMATS = ("xlsx", "xlsm", "xls", "ods")  # read with python-calamine (Excel 2007+, macros, 97-2003, ODF)
READ_FORMATS = TEXT_FORMATS + WORKBOOK_FORMATS
