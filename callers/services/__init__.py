"""Writes, one module per concern: calls, flags, safeguarding and data_protection, with the
caller activity counters they all keep current in activity. Import from the module itself
(`from callers.services.calls import call_log`): this package re-exports nothing, so importing
one concern never drags in the others."""
