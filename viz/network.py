"""The network page's picture: the loss on a plane of the weights, the training path projected on it,
and the path's true loss beside it, in the same player as every other path."""

from __future__ import annotations

import csv
import io

import numpy as np

from landscapes.network import SHAPES
from viz import contour, player, surface3d
from viz import picture as surface_picture
from viz import race as race_figures

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
    traj = study.trajectory
    return {s: panel(s, traj.steps, traj.losses[s], study.accuracy[s], study.coords[s], study.off[s])
            for s in player.frame_steps(traj.steps).tolist()}


def panel(s: int, steps: int, loss: float, accuracy: float, ab, off: float) -> str:
    """One step's numbers (the player's panel, and each live run's, word for word)."""
    if not np.isfinite(loss):
        return f"<b>step {s} of {steps}</b><br>diverged: the weights left"
    return "<br>".join([f"<b>step {s} of {steps}</b>", f"true loss {loss:.4g}", f"accuracy {accuracy:.1%}",
                        f"on the plane: ({ab[0]:.3g}, {ab[1]:.3g})", f"off the plane by {off:.3g}"])


def picture(study, layer, k: int, font_size: int = 14, height: int = 480, narrow: bool = False) -> dict:
    """``layer``: :func:`layer` of the study's surface (computed once for the picture and the 3D view)."""
    return player.figure(study.surface, layer, lanes(study), k, font_size=font_size, height=height,
                         narrow=narrow, texts=texts(study))


def view3d(study, layer, k: int, font_size: int = 14) -> dict:
    """The plane's loss as a surface, the projected path drawn on it (at the plane's loss, not its own)."""
    return surface3d.surface_figure(study.surface, layer[0], [(study.coords, player.PATH, LABEL)], k,
                                    font_size=font_size)


def race_picture(race, layer, k: int, font_size: int = 14, height: int = 480, narrow: bool = False) -> dict:
    """The seven rules' projected paths on their shared plane, their true loss curves beside."""
    return player.figure(race.surface, layer, race_figures.lanes_of(race.projected), k,
                         font_size=font_size, height=height, narrow=narrow)


def sweep_words(c, steps: int) -> str:
    """What plain descent from the trained weights did at each rate of the sweep, and whether 2/λ_max split
    the rates where the loss never rose from those where it did (said only when it did)."""
    below = [f"{r:.3g}" for r, up in zip(c.rates, c.rose, strict=True) if not up]
    above = [f"η = {r:.3g} it rose to {h:.3g}" if np.isfinite(h) else f"η = {r:.3g} the weights left"
             for r, h, up in zip(c.rates, c.highest, c.rose, strict=True) if up]
    parts = [f"Plain descent from these weights for {steps} steps, starting at loss {c.start_loss:.3g}:"]
    if below:
        parts.append(f"at η = {', '.join(below)} the loss never rose" + (";" if above else "."))
    if above:
        parts.append("at " + ", ".join(above) + ".")
    split = bool(((c.rates < c.lr_max) != c.rose).all())
    parts.append(f"2/λ_max = {c.lr_max:.3g} splits them as on the ravine: the lesson holds on a real model." if split
                 else f"2/λ_max = {c.lr_max:.3g} does not split them here: the curvature changes along the way.")
    return " ".join(parts)


def weight_names() -> list[str]:
    """``W1[0,0]`` … ``b2[2]``: θ's entries in its order (torch.nn.Linear's)."""
    names = []
    for name, shape in SHAPES:
        names += [f"{name}[{','.join(map(str, index))}]" for index in np.ndindex(*shape)]
    return names


def csv_text(study) -> str:
    """Every step: its true loss and accuracy, where it lies on the plane, how far off it, and all 131 weights."""
    traj = study.trajectory
    off = study.off
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["step", "loss", "accuracy", "a", "b", "off_plane", *weight_names()])
    for k in range(traj.steps + 1):
        writer.writerow([k, *(repr(float(v)) for v in (traj.losses[k], study.accuracy[k], *study.coords[k], off[k])),
                         *(repr(float(v)) for v in traj.points[k])])
    return out.getvalue()
