"""Making a window's actions, and the keyboard-shortcut list (F1) generated from them, so
the list cannot drift from the keys that really work."""

from __future__ import annotations

from html import escape
from typing import Callable, Iterable

from PySide6 import QtGui, QtWidgets


def make_action(host: QtWidgets.QWidget, text: str, shortcuts: str | tuple[str, ...] | None,
                slot: Callable[[], object], tip: str) -> QtGui.QAction:
    """An action of `host` with its shortcuts (the first is the one menus show), the tip as
    tooltip and status tip (with the key), and the bare tip as its what's-this text, which
    the shortcut list shows."""
    keys = (shortcuts,) if isinstance(shortcuts, str) else tuple(shortcuts or ())
    action = QtGui.QAction(text, host)
    describe(action, tip, keys)
    if keys:
        action.setShortcuts([QtGui.QKeySequence(k) for k in keys])
    action.triggered.connect(slot)
    host.addAction(action)  # shortcuts work even when the toolbar is hidden
    return action


def describe(action: QtGui.QAction, tip: str, keys: tuple[str, ...] = ()) -> None:
    shown = f"{tip} ({keys[0]})" if keys else tip
    action.setToolTip(shown)
    action.setStatusTip(shown)
    action.setWhatsThis(tip)


def _keys_text(action: QtGui.QAction) -> str:
    native = QtGui.QKeySequence.SequenceFormat.NativeText
    return " or ".join(seq.toString(native) for seq in action.shortcuts())


def shortcuts_html(groups: Iterable[tuple[str, Iterable[QtGui.QAction]]]) -> str:
    """A table of every action with a shortcut, under its group's title (a menu's name):
    the keys, the action's name, and what it does."""
    rows, seen = [], set()
    for title, actions in groups:
        listed = [a for a in actions if not a.shortcut().isEmpty() and id(a) not in seen]
        if not listed:
            continue
        rows.append(f'<tr><td colspan="3"><br><b>{escape(title)}</b></td></tr>')
        for action in listed:
            seen.add(id(action))
            what = action.whatsThis() or action.toolTip()
            rows.append(f"<tr><td><b>{escape(_keys_text(action))}</b>&nbsp;&nbsp;</td>"
                        f"<td>{escape(action.text().replace('&', ''))}&nbsp;&nbsp;</td><td>{escape(what)}</td></tr>")
    return "<table>" + "".join(rows) + "</table>"


def menu_groups(menu_bar: QtWidgets.QMenuBar, others: Iterable[QtGui.QAction] = ()) -> list:
    """(menu title, its actions, submenus included) for every menu of the bar; then the
    window's actions that are in no menu, under "Other"."""
    groups = []
    in_menus: set[int] = set()
    for top in menu_bar.actions():
        menu = top.menu()
        if menu is None:
            continue
        actions = [a for a in _walk(menu)]
        in_menus.update(id(a) for a in actions)
        groups.append((top.text().replace("&", ""), actions))
    groups.append(("Other", [a for a in others if id(a) not in in_menus]))
    return groups


def _walk(menu: QtWidgets.QMenu) -> list[QtGui.QAction]:
    found = []
    for action in menu.actions():
        sub = action.menu()
        found.extend(_walk(sub) if isinstance(sub, QtWidgets.QMenu) else [action])
    return found
