"""Widget callbacks that never raise into the widget machinery: they show the problem instead.

An exception in an ipywidgets observer only reaches the browser's log, where a learner never
sees it; the explorers and the bench route every control change through :class:`GuardedCallbacks`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from simlib.errors import ParameterError

__all__ = ["GuardedCallbacks", "widget_value"]


def widget_value(value: Any) -> Any:
    """Return a control's new value with float noise removed (browsers send 0.7500000000000001 for 0.3 + 9 × 0.05)."""
    return round(value, 9) if isinstance(value, float) else value


class GuardedCallbacks:
    """Mixin: ``_guarded`` runs an action and shows any error; ``_value_callback`` builds control observers.

    The class using it provides ``_set_error(message)`` and a ``_syncing`` flag that is true while it
    writes its own controls (those writes must not be taken for the learner's changes).
    """

    _syncing: bool
    _set_error: Callable[[str], None]

    def _guarded(self, action: Callable[[], object]) -> None:
        """Run ``action``; a ParameterError shows its message, anything else an "unexpected error" line."""
        try:
            action()
        except ParameterError as exc:
            self._set_error(str(exc))
        except Exception as exc:  # a callback must not fail silently in the browser's log
            self._set_error(f"unexpected error ({type(exc).__name__}: {exc}); please report it.")

    def _value_callback(self, apply: Callable[[Any], object]) -> Callable[[Mapping[str, Any]], None]:
        """Return an observer that passes a control's new value to ``apply``, guarded, unless syncing."""

        def on_change(change: Mapping[str, Any]) -> None:
            if not self._syncing:
                self._guarded(lambda: apply(widget_value(change["new"])))

        return on_change
