# -*- test-case-name: examples.tutorial -*-
"""
The tutorial: a small HTTP/1.0 server and its tests, built test first.
"""
