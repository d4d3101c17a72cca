"""The footer: the few most useful keys, as one line of text.

Textual's Footer mounts a widget per key and rebuilds them on every focus
change (~100 ms and ~19 KB a Tab here); this draws the same hints as one
line, repaints only when they change, and runs a hint's action on click.
"""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from briefing.tui.keytable import key_label


class KeyHints(Widget):
    """Hints for the bindings marked `show=True` that apply where focus is."""

    DEFAULT_CSS = """
    KeyHints {
        dock: bottom;
        height: 1;
        /* The pair the theme check measures (briefing/tui/themes.py): a footer's
           own colours are not checked, and solarized-light's were grey on blue. */
        background: $panel;
        color: $foreground;
    }
    """

    hints: reactive[tuple[tuple[str, str, str], ...]] = reactive(())
    """(key label, description, action with namespace) for each hint shown."""

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: object) -> None:
        shown: list[tuple[str, str, str]] = []
        seen: set[str] = set()
        for namespace, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not (binding.show and enabled) or binding.action in seen:
                continue
            seen.add(binding.action)
            shown.append((self._label(binding), binding.description, binding.action))
            self._targets[binding.action] = namespace
        self.hints = tuple(shown)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._targets: dict[str, object] = {}
        self._spans: list[tuple[int, int, str]] = []

    @staticmethod
    def _label(binding: Binding) -> str:
        return key_label(binding.key.split(",")[0])

    def render(self) -> Content:
        parts: list[Content | tuple[str, str] | str] = [" "]
        self._spans = []
        position = 1
        for key, description, action in self.hints:
            start = position
            parts += [(key, "bold"), " ", description, "   "]
            position += len(key) + 1 + len(description) + 3
            self._spans.append((start, position - 3, action))
        return Content.assemble(*parts)

    async def on_click(self, event: events.Click) -> None:
        for start, end, action in self._spans:
            if start <= event.x < end:
                namespace = self._targets.get(action)
                await self.app.run_action(action, namespace)  # type: ignore[arg-type]
                return
