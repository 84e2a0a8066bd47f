"""The descent page's figures, from a surface, its cached picture layer and one trajectory."""

from __future__ import annotations

import numpy as np

from viz import contour, curves, picture, surface3d

PATH = contour.COLORS["path"]


def surface_layer(surface):
    """What stays the same for a surface whatever the run: grid, picture, iso-lines (cache it)."""
    g = picture.grid(surface)
    return g, picture.png_data_uri(g), contour.iso_lines(g)


def gradient_steps(traj) -> np.ndarray:
    """−η_k ∇f(θ_k) at every point of a one-start run: the step plain descent would take there."""
    lrs = np.ravel(traj.lrs)
    lrs = np.append(lrs, lrs[-1] if lrs.size else 0.0)
    return -lrs[:, None] * traj.grads


def figures(surface, layer, traj, k: int, with_schedule: bool, font_size: int = 14, wide: bool = False) -> dict:
    g, png, lines = layer
    out = {
        "contour": contour.descent_figure(surface, g, png, lines, traj.points, gradient_steps(traj), k,
                                          font_size=font_size, wide=wide),
        "surface3d": surface3d.surface_figure(surface, g, [(traj.points, PATH, "path")], k, font_size=font_size),
        "loss": curves.loss_figure([(traj.losses, PATH, "loss")], k, font_size=font_size),
    }
    if with_schedule:
        out["lrs"] = curves.lr_figure([(np.ravel(traj.lrs), "#7bdff2", "learning rate")], k, font_size=font_size)
    return out
