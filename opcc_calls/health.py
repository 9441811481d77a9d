"""What a load balancer asks before sending people to this server: is the database reachable,
and are its migrations all applied? Nothing about anyone is in the answer."""

import dataclasses

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable

#: Migrations only change with a release (and a restart): once all are found applied, the
#: answer holds for this process.
_applied = False


@dataclasses.dataclass
class MigrationsApplied(HealthCheck):
    def run(self) -> None:
        global _applied
        if _applied:
            return
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise ServiceUnavailable("Migrations are waiting to be applied.")
        _applied = True
