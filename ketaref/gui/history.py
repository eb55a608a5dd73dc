"""Back and Forward: the items the user opened, in order, like a web browser's history."""

from __future__ import annotations


class History:
    """The ids of the items opened, and where Back and Forward stand among them."""

    def __init__(self) -> None:
        self._ids: list[str] = []
        self._position = -1

    def visit(self, item_id: str) -> None:
        """Record a newly opened item; whatever Forward would have reached is dropped."""
        del self._ids[self._position + 1 :]
        self._ids.append(item_id)
        self._position = len(self._ids) - 1

    def step(self, step: int) -> str | None:
        """Move ``step`` places (-1: Back, 1: Forward); the item there, or None at either end."""
        position = self._position + step
        if not 0 <= position < len(self._ids):
            return None
        self._position = position
        return self._ids[position]

    @property
    def can_go_back(self) -> bool:
        """Whether there is an item to go Back to."""
        return self._position > 0

    @property
    def can_go_forward(self) -> bool:
        """Whether there is an item to go Forward to."""
        return self._position < len(self._ids) - 1
