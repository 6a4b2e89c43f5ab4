"""
Haven's protection logic in pure Python.

Nothing in this package imports Django, touches a database or does I/O: an import-linter
contract in ``pyproject.toml`` keeps it so. The engines read one defender's facts and return
frozen values carrying their reasons and sources; Django services store those values beside the
human decision, so every recommendation can be traced to the rules that produced it.
"""
