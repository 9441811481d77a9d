"""One module per concern: DMTS entries and their reference numbers (entries.py), and exports
of the call log (exports.py). `_exports_storage` is here too because the migration that made
CallLogExport (0004) names it as `dmts.models._exports_storage`."""

from dmts.models.entries import DmtsCounter, DmtsEntry, DmtsEntryQuerySet
from dmts.models.exports import CallLogExport, _exports_storage

__all__ = ["CallLogExport", "DmtsCounter", "DmtsEntry", "DmtsEntryQuerySet", "_exports_storage"]
