"""Aggregate reports for analysts and coordinators: counts that never single out a defender."""
