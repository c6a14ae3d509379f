# -*- test-case-name: twistedtesting.test -*-
"""
Tests for twistedtesting, run with trial.
"""

import os

# This suite runs many tests inside its own, and those fail on purpose: keep
# no failing seeds for them (see docs/running.rst), unless asked to.
os.environ.setdefault("TWISTEDTESTING_FAILING_SEEDS", "off")
