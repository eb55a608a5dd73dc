"""The data roles of a search hit: what the results model gives and the delegate draws.

Their own module so the model (``search_panel``) and the delegate (``search_delegate``) both take
them from here: the delegate never imports the panel, and the panel imports the delegate only
when the first hits are shown.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

TITLE_ROLE = Qt.ItemDataRole.UserRole + 10
DETAIL_ROLE = Qt.ItemDataRole.UserRole + 11
#: The content words the query matched, to highlight in the title and the matched text.
MATCHED_ROLE = Qt.ItemDataRole.UserRole + 12
