"""The race page's figures: every racer's path in its own colour, moving together."""

from __future__ import annotations

import numpy as np

import optim
from viz import player, surface3d


def color(name: str) -> str:
    """Each rule's own colour (its declaration), the same on every chart."""
    return optim.rule(name).color


def lanes_of(race) -> list[player.Lane]:
    """Earlier racers are drawn wider and later ones on top, so a path under another still shows
    as a border (on the saddle plain descent and momentum share the first steps)."""
    n = len(race)
    out = []
    for i, lane in enumerate(race):
        rule, t = optim.rule(lane.name), lane.trajectory
        out.append(player.Lane(rule.title, rule.color, rule.marker, 3.0 + 2.0 * (n - 1 - i), t.points, t.losses,
                               np.ravel(t.lrs), rule.dash))
    return out


def picture(surface, layer, race, k: int, with_schedule: bool, font_size: int = 14, height: int = 480,
            narrow: bool = False) -> dict:
    """The race's animated picture: every lane's path, the loss curves and each racer's loss at the step."""
    return player.figure(surface, layer, lanes_of(race), k, with_schedule=with_schedule, font_size=font_size,
                         height=height, narrow=narrow)


def view3d(surface, layer, race, k: int, font_size: int = 14) -> dict:
    paths = [(lane.points, lane.color, lane.label) for lane in lanes_of(race)]
    return surface3d.surface_figure(surface, layer[0], paths, k, font_size=font_size)
