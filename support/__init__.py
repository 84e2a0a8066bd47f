"""What the tests and the benchmarks share, so that neither imports the other: starting the app on a
free port (:mod:`support.serve`) and reading its pictures in a real browser (:mod:`support.browser`).
The app never imports this package (tests/test_imports.py holds it to that)."""
