"""Pages, one module per concern: calls, flags, safeguarding and data_protection."""
