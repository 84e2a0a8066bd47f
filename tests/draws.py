"""How many examples a hypothesis test draws. CI (``.ci/run`` sets ``DOWNHILL_TESTS=thorough``) draws the
count each test writes down; a developer's run draws a third of it (at least 10), so that the fast suite
stays fast enough to run every few minutes. Hypothesis keeps every failing example it finds in its
database (.hypothesis/) and tries it first on the next run, whatever the count."""

import os

THOROUGH = os.environ.get("DOWNHILL_TESTS") == "thorough"


def draws(count: int) -> int:
    return count if THOROUGH else max(10, count // 3)
