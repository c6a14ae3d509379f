# -*- test-case-name: twistedtesting.test -*-
"""
Tests for twistedtesting, run with trial.
"""
