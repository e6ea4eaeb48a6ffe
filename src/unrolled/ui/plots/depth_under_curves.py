"""The depth-time picture under the gradient curves, on screen, for a stack: its t axis
right under theirs (the same room beside both data areas) and its data area as tall as the
curves'. When the panel cannot give both a readable data area (a short screen in
presentation mode), the picture gives way to the curves, as the contribution plot does, and
the curves' title says it is there ("depth-time picture: needs room"), its tooltip how to
make room."""

from __future__ import annotations

from collections.abc import Callable

import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from ...session.stepper import Session
from ..theme import Theme
from .depth_time import DepthTimeGradients

NOTE = ("The gradient across time and depth (a row per layer and direction) is drawn under these "
        "curves when the panel gives both a readable height: a taller window, fewer panels beside the "
        "plots, or View > Diagram off. File > Export draws it as a figure of its own.")


class DepthTimeUnderCurves:
    """`picture` below `graphics` (the curves' view, `curves` its plot with the t axis
    and `linked` the plots sharing that axis), in `column`, the layout they share.
    `room_changed()` is called when `room_for_both` changed while the picture is wanted (its
    title took a second line): whoever gave the panel its height must measure it again."""

    def __init__(self, column: QtWidgets.QBoxLayout, graphics: pg.GraphicsLayoutWidget, curves: pg.PlotItem,
                 linked: tuple[pg.PlotItem, ...], theme: Theme, readable_px: float,
                 room_changed: Callable[[], None] = lambda: None):
        self._column, self._theme = column, theme
        self._room_changed = room_changed
        self._room_told: float | None = None  # room_for_both() when last told
        self._picture: DepthTimeGradients | None = None  # built when a stack first wants it
        self.graphics, self.curves, self.linked = graphics, curves, linked
        self.readable_px = readable_px  # the data height each of the two keeps, or the picture gives way
        self._added_right = 0.0  # to the curves' right margin, to line the two up
        self._left_axis = curves.getAxis("left").fixedWidth  # as style_plot sized it
        self._wanted = False
        self._session: Session | None = None
        self._show_cursor = True
        # in the picture's stead, the curves' title names it and how to make room: a lecturer
        # must learn that it exists (in the title's row, not a row of its own: that would
        # take the height the curves are short of)
        self._title, self._tip = curves.titleLabel.text, curves.titleLabel.toolTip()
        self.noted = False

    @property
    def picture(self) -> DepthTimeGradients:
        """The picture, built at first use: a window on one layer never pays for it."""
        if self._picture is None:
            self._picture = picture = DepthTimeGradients(theme=self._theme)
            picture.hide()
            # its height is the share `fit` gives it, never its own wish: a panel it is in can shrink
            picture.setSizePolicy(QtWidgets.QSizePolicy.Policy.Preferred, QtWidgets.QSizePolicy.Policy.Ignored)
            self._column.addWidget(picture)
        return self._picture

    @property
    def shown(self) -> bool:
        return self._picture is not None and not self._picture.isHidden()

    def hide(self) -> None:
        if self._picture is not None:
            self._picture.hide()

    def refresh(self, session: Session, on_paper: bool, show_cursor: bool, room: float) -> bool:
        """The picture wanted for a stack on screen, shown when `room` (px for the curves
        and the picture) holds both, and drawn only while shown. True when it was shown,
        hidden or given another height."""
        self._session, self._show_cursor = session, show_cursor
        self._wanted = len(session.layer_keys()) > 1 and not on_paper
        return self.fit(room)

    def fit(self, room: float) -> bool:
        """Shown or hidden, and its height, for `room` px; True when either changed."""
        if not self._wanted and self._picture is None:
            if self.noted:
                self._note(False)
            self._line_up(False)
            return False
        self._margins_follow()
        self._at_curves_width()
        data = self._data_px(room)
        shown = self._wanted and data >= self.readable_px
        changed = self.picture.isHidden() == shown
        if changed:
            self.picture.setVisible(shown)
        if self.noted != (self._wanted and not shown):
            self._note(self._wanted and not shown)
        if shown:
            assert self._session is not None
            self.picture.show_cursor = self._show_cursor
            self.picture.refresh(self._session)
            changed |= self._share(int(self._chrome(self.graphics) + data), int(self._chrome(self.picture) + data))
        self._line_up(shown)
        needed = self.room_for_both() if self._wanted else None
        if needed != self._room_told:
            self._room_told = needed
            if needed is not None:
                self._room_changed()
        return changed

    def _note(self, on: bool) -> None:
        self.noted = on
        title = self.curves.titleLabel
        # where the whole note does not fit, a shorter one: the title alone would hide that
        # the picture was given way (the tooltip says which picture, and how to make room)
        title.short = f"{self._title}  (picture: needs room)" if on else None
        title.setText(f"{self._title}  (depth-time picture: needs room)" if on else self._title)
        title.setToolTip(self._tip + ("\n\n" + NOTE if on else ""))

    def room_for_both(self) -> float:
        """The room (as `fit` is given it) in which the curves and the picture each have a
        readable data area."""
        return self._chrome(self.picture) + self._chrome(self.graphics) + 2 * self.readable_px

    def _share(self, curves: int, picture: int) -> bool:
        """The layout's share of the height: `curves` to the curves' view, `picture` to the
        picture (which asks for no height of its own); True when it changed."""
        layout = self._column
        shares = (layout.indexOf(self.graphics), curves), (layout.indexOf(self.picture), picture)
        if all(layout.stretch(index) == share for index, share in shares):
            return False
        for index, share in shares:
            layout.setStretch(index, share)
        return True

    def _data_px(self, room: float) -> float:
        """The data height each of the two has when the picture is shown."""
        return max((room - self._chrome(self.picture) - self._chrome(self.graphics)) / 2, 0.0)

    def _at_curves_width(self) -> None:
        """Hidden, the picture keeps the width it last had (or none): laid out at the curves'
        width, its title has the lines, and its chrome the height, it will have when shown."""
        layout, width = self.picture.ci, self.graphics.viewport().width()
        if self.picture.isHidden() and width > 0 and layout.size().width() != width:
            layout.resize(width, layout.size().height())
            layout.layout.activate()

    def _margins_follow(self) -> None:
        """The picture's margins above and below no wider than the curves' view's (cut to
        the bone in a lesson's stage): its colour bar's end labels, half a line beyond the
        bar, stand in its title's row and its t axis, inside the plot."""
        margins = list(self.picture.ci.layout.getContentsMargins())
        _, top, _, bottom = self.graphics.ci.layout.getContentsMargins()
        wanted = [margins[0], min(top, self.picture.air), margins[2], min(bottom, self.picture.air)]
        if margins != wanted:
            self.picture.ci.setContentsMargins(*wanted)

    @staticmethod
    def _chrome(view: pg.GraphicsLayoutWidget) -> float:
        """The height of a view's first plot and margins, less its data area."""
        _, top, _, bottom = view.ci.layout.getContentsMargins()
        plot = view.ci.getItem(0, 0)
        return plot.effectiveSizeHint(QtCore.Qt.SizeHint.MinimumSize).height() + top + bottom

    def _line_up(self, shown: bool) -> None:
        """The picture's t axis right under the curves': the same room beside both data
        areas (the wider of the two, each side)."""
        # the view's margins as its owner set them (a lesson's stage cuts them), less the room added here
        left, top, right, bottom = self.graphics.ci.layout.getContentsMargins()
        right -= self._added_right
        plot_left, _, plot_right, _ = self.curves.layout.getContentsMargins()
        own = (left + plot_left + self._left_axis, right + plot_right)
        below = self.picture.beside_data() if shown else own
        wanted = (max(own[0], below[0]), max(own[1], below[1]))
        width = int(self._left_axis + wanted[0] - own[0])
        for axis in (plot.getAxis("left") for plot in (self.curves, *self.linked)):
            if axis.fixedWidth != width:
                axis.setWidth(width)
        self._added_right = wanted[1] - own[1]
        margins = (left, top, right + self._added_right, bottom)
        if self.graphics.ci.layout.getContentsMargins() != margins:
            self.graphics.ci.setContentsMargins(*margins)
        if shown:
            self.picture.line_up(*wanted)
