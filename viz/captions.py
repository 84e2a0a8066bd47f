"""Plain sentences about a run, from its numbers (no Streamlit): what a banner or caption says."""

from __future__ import annotations


def divergence_reason(surface, rule, lr: float, step: int) -> str:
    """Why a run left the surface, and what to try instead. On a quadratic, the rule's own stability
    limit (``Rule.stable_lr``) against the surface's largest curvature L."""
    lead = f"The run diverged at step {step}: it left the surface."
    curvature = surface.lipschitz
    limit = rule.stable_lr(curvature) if curvature else None
    if limit is None:
        return f"{lead} Each step overshot and the next gradient was larger still. Try a smaller learning rate."
    if lr > limit:
        return (f"{lead} On this quadratic, {rule.title.lower()} is stable only for "
                f"lr < {rule.stable_lr_formula} = {limit:.4g} (L = {curvature:.4g}, the largest curvature), "
                f"and lr = {lr:.4g}. Try lr below {limit:.4g}.")
    return (f"{lead} lr = {lr:.4g} is below this quadratic's stability limit {limit:.4g} "
            f"(L = {curvature:.4g}), so something else pushed it off: lower the learning rate or the other knobs.")
