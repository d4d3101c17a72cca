"""Messages that more than one widget posts up to the reader screen."""

from __future__ import annotations

from textual.message import Message


class EntryChosen(Message):
    """The user chose a glossary entry: a name in the list, a mention in the
    article, a related entry on a card. The screen opens that entry's card."""

    def __init__(self, entry_id: str) -> None:
        super().__init__()
        self.entry_id = entry_id
