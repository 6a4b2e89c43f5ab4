"""Programmes, intake windows, applications and matching runs (issue 6, the browser side)."""
