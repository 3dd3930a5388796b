"""Drug-test rates: tests done against planned, negative results, refusals."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from openiop.drugtests.models import ResultSummary, TestOrder
from openiop.reports.scope import ReportScope
from openiop.reports.selectors._common import definition
from openiop.reports.tables import Column, Table, percent


def drug_test_rates(scope: ReportScope) -> Table:
    """Tests ordered for the scope's episodes and due in the range (up to today), cancelled
    orders excluded, by reason. Done: a specimen collected. Negative: done, with results, and
    no current result (a confirmation replaces its screen) positive or invalid except positives
    expected from a prescribed medication. Refused and no-show are counted apart, never as
    results; orders still open are neither done nor missed yet."""
    orders = TestOrder.objects.filter(
        scope.on("episode__"), due_on__gte=scope.start, due_on__lte=scope.as_of
    ).exclude(status=TestOrder.Status.CANCELLED)
    collected = Q(status=TestOrder.Status.COLLECTED)
    grouped = orders.values("reason").annotate(
        planned=Count("pk"),
        done=Count("pk", filter=collected),
        # the collection's results in one word (Collection.result_summary)
        negative=Count(
            "pk", filter=collected & Q(collection__result_summary=ResultSummary.NEGATIVE)
        ),
        refused=Count("pk", filter=Q(status=TestOrder.Status.REFUSED)),
        no_show=Count("pk", filter=Q(status=TestOrder.Status.NO_SHOW)),
    )
    by_reason = {row["reason"]: row for row in grouped}
    keys = ("planned", "done", "negative", "refused", "no_show")
    rows, totals = [], dict.fromkeys(keys, 0)
    for reason, label in TestOrder.Reason.choices:
        row = by_reason.get(reason, dict.fromkeys(keys, 0))
        for key in keys:
            totals[key] += row[key]
        rows.append(_row(str(label), row))
    rows.append(_row(str(_("All tests")), totals))
    return Table(
        key="drug_tests",
        title=_("Drug testing"),
        definition=definition(drug_test_rates),
        columns=(
            Column("reason", _("Ordered as")),
            Column("planned", _("Planned"), "number"),
            Column("done", _("Done"), "number"),
            Column("done_share", _("Done (%)"), "percent"),
            Column("negative_share", _("Negative (% of done)"), "percent"),
            Column("refused", _("Refused"), "number"),
            Column("no_show", _("No-show"), "number"),
        ),
        rows=tuple(rows),
    )


def _row(label: str, row: dict) -> tuple:
    return (
        label,
        row["planned"],
        row["done"],
        percent(row["done"], row["planned"]),
        percent(row["negative"], row["done"]),
        row["refused"],
        row["no_show"],
    )
