"""Making a window's actions, and the keyboard-shortcut list (F1) generated from them, so
the list cannot drift from the keys that really work."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from html import escape

from PySide6 import QtGui, QtWidgets

# The rule for one-letter shortcuts, kept by keyboard.SteppingKeys; the shortcut list (F1)
# and the tooltips of those actions state it in these words.
LETTER_KEYS_RULE = (
    "One-letter keys (T, R, N) act only while no text field could have been meant: not while a "
    "text field has the keyboard, and not after a click into or beside a text field or anywhere "
    "in a panel that has one. A click on the plots or on a button, Enter, Esc or a stepping key "
    "gives them back. A one-letter key acts a third of a second after it is pressed, unless more "
    "letters follow: a word typed anywhere, and the spaces in it, run nothing. The "
    "stepping keys (Right, Left, PgDown, PgUp, Space) work whatever has the keyboard."
)
LETTER_KEY_TIP = "not after a click into or beside a text field"


def is_letter_key(key: str) -> bool:
    """A shortcut a user also types as text: one printable character without a modifier."""
    return len(key) == 1 and key.isprintable() and not key.isspace()


def make_action(host: QtWidgets.QWidget, text: str, shortcuts: str | tuple[str, ...] | None,
                slot: Callable[[], object], tip: str) -> QtGui.QAction:
    """An action of `host` with its shortcuts (the first is the one menus show), the tip as
    tooltip (with the key; menus show it too), and the bare tip as its what's-this text,
    which the shortcut list shows."""
    keys = (shortcuts,) if isinstance(shortcuts, str) else tuple(shortcuts or ())
    action = QtGui.QAction(text, host)
    describe(action, tip, keys)
    if keys:
        action.setShortcuts([QtGui.QKeySequence(k) for k in keys])
    # called with no argument: Qt's `checked` would land in a slot's optional first parameter
    # (the comparison's `over` rectangle took False, and Compare... raised)
    action.triggered.connect(lambda _checked=False: slot())
    host.addAction(action)  # shortcuts work even when the toolbar is hidden
    return action


def describe(action: QtGui.QAction, tip: str, keys: tuple[str, ...] = ()) -> None:
    if keys and is_letter_key(keys[0]):
        shown = f"{tip} ({keys[0]}; {LETTER_KEY_TIP})"
    else:
        shown = f"{tip} ({keys[0]})" if keys else tip
    action.setToolTip(shown)  # no status tip: hovering a toolbar button blanked the step readout
    action.setWhatsThis(tip)


def _keys_text(action: QtGui.QAction) -> str:
    native = QtGui.QKeySequence.SequenceFormat.NativeText
    return " or ".join(seq.toString(native) for seq in action.shortcuts())


def shortcuts_html(groups: Iterable[tuple[str, Iterable[QtGui.QAction]]]) -> str:
    """A table of every action with a shortcut, under its group's title (a menu's name):
    the keys, the action's name, and what it does."""
    rows: list[str] = []
    seen: set[QtGui.QAction] = set()
    letters = False
    for title, actions in groups:
        listed = [a for a in actions if not a.shortcut().isEmpty() and a not in seen]
        if not listed:
            continue
        rows.append(f'<tr><td colspan="3"><br><b>{escape(title)}</b></td></tr>')
        for action in listed:
            seen.add(action)
            letters = letters or any(is_letter_key(k.toString()) for k in action.shortcuts())
            what = action.whatsThis() or action.toolTip()
            rows.append(f"<tr><td><b>{escape(_keys_text(action))}</b>&nbsp;&nbsp;</td>"
                        f"<td>{escape(action.text().replace('&', ''))}&nbsp;&nbsp;</td><td>{escape(what)}</td></tr>")
    note = f"<p>{escape(LETTER_KEYS_RULE)}</p>" if letters else ""
    return "<table>" + "".join(rows) + "</table>" + note


def menu_groups(menus: Iterable[QtWidgets.QMenu], others: Iterable[QtGui.QAction] = ()) -> list:
    """(menu title, its actions) for each menu; then the actions of `others` (the window's)
    that are in none of them, under "Other". (The menus are passed in, not found through
    QAction.menu(): PySide6 hands the menu it returns to Python, which deletes it.)"""
    groups = []
    in_menus: set[QtGui.QAction] = set()
    for menu in menus:
        actions = menu.actions()
        in_menus.update(actions)
        groups.append((menu.title().replace("&", ""), actions))
    groups.append(("Other", [a for a in others if a not in in_menus]))
    return groups
