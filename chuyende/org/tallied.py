"""A queryset whose bulk writes keep a tally table (`chuyende.org.tallies` and its followers).

The tally module named by `tallies_module` offers `changing(ids) -> pending` (locks what it
must and reads the tallies of the rows concerned) and `changed(pending, new_ids=())` (reads them
again and adds the difference up the tree). A write inside `_kept()` runs between the two, in
one transaction; an `update()` touching none of `tally_fields` leaves the tallies alone."""

from importlib import import_module

from django.db import transaction

from chuyende.core.scoping import ScopedQuerySet


class TalliedQuerySet(ScopedQuerySet):
    tallies_module: str = ""  # dotted path of the tally module
    tally_fields: frozenset = frozenset()  # the columns the tallies count by

    @property
    def _tallies(self):
        return import_module(self.tallies_module)

    def _tally_ids(self):
        """The ids the tally module's `changing()` takes for the rows of this queryset."""
        return self.order_by().values_list("pk", flat=True)

    def _kept(self, write):
        """Run `write()` with the tallies of this queryset's rows kept, in one transaction."""
        tallies = self._tallies
        with transaction.atomic(using=self.db, savepoint=False):
            pending = tallies.changing(self._tally_ids())
            result = write()
            tallies.changed(pending)
        return result

    def update(self, **kwargs):
        if not set(kwargs) & self.tally_fields:
            return super().update(**kwargs)
        return self._kept(lambda: super(TalliedQuerySet, self).update(**kwargs))

    update.alters_data = True
