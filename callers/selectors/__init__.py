"""Reads, one module per concern: calls, flags, safeguarding and data_protection. Each runs a
fixed number of queries however much data there is."""
