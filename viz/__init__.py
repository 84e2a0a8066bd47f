"""Plotly figures built as plain dicts from arrays: contour, 3D surface, curves, equations.

No Streamlit here, and no engine runs: a page hands in a Trajectory and gets figures back.
"""
