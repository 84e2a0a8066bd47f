"""The network page's picture: the loss on a plane of the weights, the training path projected on it,
and the path's true loss beside it, in the same player as every other path."""

from __future__ import annotations

import numpy as np

from viz import contour, player
from viz import picture as surface_picture

GRID = 61  # the plane's loss on GRID × GRID points: one batched forward pass each
LABEL = "the path, projected"


def layer(surface):
    g = surface_picture.grid(surface, GRID)
    return g, surface_picture.png_data_uri(g), contour.iso_lines(g)


def lanes(study) -> list[player.Lane]:
    traj = study.trajectory
    return [player.Lane(LABEL, player.PATH, "x", 3.5, study.coords, traj.losses, np.ravel(traj.lrs))]


def texts(study) -> dict[int, str]:
    """The numbers panel at each shown step: the true loss and accuracy, and how far the weights are off
    the plane (what the projection cannot show)."""
    traj, plane = study.trajectory, study.plane
    shown = player.frame_steps(traj.steps)
    off = plane.residual(np.nan_to_num(traj.points[shown]))
    out = {}
    for s, distance in zip(shown.tolist(), off.tolist(), strict=True):
        if not np.isfinite(traj.losses[s]):
            out[s] = f"<b>step {s} of {traj.steps}</b><br>diverged: the weights left"
            continue
        a, b = study.coords[s]
        out[s] = "<br>".join([f"<b>step {s} of {traj.steps}</b>", f"true loss {traj.losses[s]:.4g}",
                              f"accuracy {study.accuracy[s]:.1%}", f"on the plane: ({a:.3g}, {b:.3g})",
                              f"off the plane by {distance:.3g}"])
    return out


def picture(study, k: int, font_size: int = 14, height: int = 480, narrow: bool = False) -> dict:
    return player.figure(study.surface, layer(study.surface), lanes(study), k, font_size=font_size, height=height,
                         narrow=narrow, texts=texts(study))
