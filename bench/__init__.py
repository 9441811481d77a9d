"""Measuring OPCC Calls against a large call log (`make bench`); never part of `make test`."""
