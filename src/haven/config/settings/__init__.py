"""
Settings modules, one per environment.

``base`` holds what every environment shares; ``dev`` is the embedded SQLite default used by the
``haven`` command and ``make demo``; ``test`` is for the suite; ``production`` refuses to start
without its secrets. Environment variables are read here and nowhere else.
"""
