"""The descent page's figures, from a surface, its cached picture layer and one trajectory."""

from __future__ import annotations

import numpy as np

from viz import contour, player, surface3d
from viz import picture as surface_picture

PATH = player.PATH
LABEL = "path"  # the one lane's name (viz/live_player.py finds its traces by it)


def surface_layer(surface):
    """What stays the same for a surface whatever the run: grid, picture, iso-lines (cache it)."""
    g = surface_picture.grid(surface)
    return g, surface_picture.png_data_uri(g), contour.iso_lines(g)


def gradient_steps(traj) -> np.ndarray:
    """−η_k ∇f(θ_k) at every point of a one-start run: the step plain descent would take there."""
    lrs = np.ravel(traj.lrs)
    lrs = np.append(lrs, lrs[-1] if lrs.size else 0.0)
    return -lrs[:, None] * traj.grads


def updates(traj) -> np.ndarray:
    """θ_{k+1} − θ_k at every point (zero after the last)."""
    return np.vstack([np.diff(traj.points, axis=0), np.zeros((1, 2))])


def carried_steps(rule, traj) -> np.ndarray | None:
    """The rule's carried part of each update (momentum's −ημb, Adam's −ηm̂) at every point, or None."""
    n = traj.steps
    step = {"lr": np.ravel(traj.lrs)[:n], "t": np.arange(1, n + 1)}
    for key, history in traj.state.items():
        step[key + "_prev"], step[key] = history[:n], history[1 : n + 1]
    carried = rule.carried_step(step) if n else None
    return None if carried is None else np.vstack([carried, np.zeros((1, 2))])


def _vec(v) -> str:
    return f"({v[0]:.4g}, {v[1]:.4g})"


def numbers(traj, s: int) -> str:
    """The panel's text at step ``s``: where the point is and the update that leaves it."""
    n, lrs = traj.steps, np.ravel(traj.lrs)
    head = f"<b>step {s} of {n}</b>"
    if not np.isfinite(traj.points[s]).all():
        return head + "<br>diverged: the point left the surface"
    lines = [head + (f"  ·  η = {lrs[s]:.4g}" if s < n else ""),
             f"θ = {_vec(traj.points[s])}  loss {traj.losses[s]:.4g}"]
    if s >= n:
        return "<br>".join([*lines, "the run ends here"])
    if not np.isfinite(traj.points[s + 1]).all():
        return "<br>".join([*lines, "the next update leaves the surface"])
    lines.append(f"∇f = {_vec(traj.grads[s])}")
    lines += [f"{key} = {_vec(history[s + 1])}" for key, history in traj.state.items()]
    lines.append(f"Δθ = {_vec(traj.points[s + 1] - traj.points[s])}")
    return "<br>".join(lines)


def inspector(rule, traj) -> player.Inspector:
    shown = player.frame_steps(traj.steps)
    return player.Inspector(grad=gradient_steps(traj), update=updates(traj), carried=carried_steps(rule, traj),
                            carried_label=rule.carried_label, lines={int(s): numbers(traj, int(s)) for s in shown})


def lanes(traj) -> list[player.Lane]:
    return [player.Lane(LABEL, PATH, "x", 3.5, traj.points, traj.losses, np.ravel(traj.lrs))]


def picture(surface, layer, traj, rule, k: int, with_schedule: bool, font_size: int = 14,
            height: int = 480, narrow: bool = False) -> dict:
    """The animated picture: path, arrows, curvature cross, loss curve and the step's numbers, drawn
    at step ``k``."""
    return player.figure(surface, layer, lanes(traj), k, inspector(rule, traj), with_schedule=with_schedule,
                         font_size=font_size, height=height, narrow=narrow, cross=True)


def view3d(surface, layer, traj, k: int, font_size: int = 14) -> dict:
    return surface3d.surface_figure(surface, layer[0], [(traj.points, PATH, "path")], k, font_size=font_size)
