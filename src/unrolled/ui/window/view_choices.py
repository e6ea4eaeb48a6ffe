"""What the lecturer chose in the views, kept when presentation mode or the colour scheme
builds them again: the gradient plot's curves and contribution plot, and the heatmaps'
layer and direction."""

from __future__ import annotations

from dataclasses import dataclass

from ...engine.stack_traces import Key
from ..plots.dashboard import Dashboard


@dataclass(frozen=True)
class ViewChoices:
    show: int
    contribution: bool
    heatmap_layer: Key | None

    @classmethod
    def of(cls, dashboard: Dashboard) -> ViewChoices:
        gradients, choice = dashboard.gradients, dashboard.heatmaps.layer_choice
        return cls(gradients.show_choice.currentIndex(), gradients.contrib_choice.isChecked(),
                   choice.key if choice.needed else None)

    def restore(self, dashboard: Dashboard) -> None:
        """Onto views just built (before their first refresh fills the layer list)."""
        dashboard.gradients.show_choice.setCurrentIndex(self.show)
        dashboard.gradients.contrib_choice.setChecked(self.contribution)
        if self.heatmap_layer is not None:
            dashboard.heatmaps.layer_choice.prefer(self.heatmap_layer)
