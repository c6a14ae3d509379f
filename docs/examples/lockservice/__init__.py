# -*- test-case-name: examples.lockservice -*-
"""
The lock service of ``docs/network.rst``: five nodes, a majority quorum,
an HTTP API, tested on a simulated network.
"""
