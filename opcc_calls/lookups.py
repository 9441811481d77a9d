"""`field__ilike="words"`: the field contains the words, ignoring case, written so PostgreSQL's
trigram (GIN) index can answer it: `about ILIKE '%words%'`. Django's icontains writes
`UPPER(about) LIKE UPPER('%words%')`, which no index answers, so one rare word meant reading
two million rows. On SQLite it is icontains (LIKE there ignores case already)."""

from django.db import models
from django.db.models.lookups import IContains


@models.CharField.register_lookup
@models.TextField.register_lookup
class ILikeContains(IContains):
    lookup_name = "ilike"

    def as_sql(self, compiler, connection):
        return IContains(self.lhs, self.rhs).as_sql(compiler, connection)

    def as_postgresql(self, compiler, connection):
        lhs_sql, params = self.process_lhs(compiler, connection)
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs_sql} ILIKE {rhs_sql}", [*params, *rhs_params]
