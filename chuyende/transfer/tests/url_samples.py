"""URLs of `transfer` for the scoping walk in chuyende/core/tests/test_url_scoping.py."""

from chuyende.transfer.models import ExportJob

from .helpers import member_row, sheet


def foreign_import(w):
    if not hasattr(w, "_foreign_import"):
        from chuyende.transfer import services

        job = services.import_start(
            unit=w.b,
            kind="members",
            upload=sheet(
                [
                    member_row(1, unit="EAKAR-001", name="Phạm Quốc Khánh"),
                    member_row(2, unit="EAKAR-001", phone="0977000111x"),
                ]
            ),
            acting_user=w.mallory,
        )
        w._foreign_import = services.import_map(job=job, mapping=job.mapping, acting_user=w.mallory)
    return w._foreign_import


def foreign_export(w):
    if not hasattr(w, "_foreign_export"):
        from chuyende.transfer import exports

        w._foreign_export = exports.export_start(
            acting_user=w.mallory, kind="members", fmt="xlsx", filters={}, full=False
        )
    return ExportJob.objects.get(pk=w._foreign_export.pk)


OBJECT_URLS = {
    "transfer:import_detail": lambda w: {"pk": foreign_import(w).pk},
    "transfer:import_mapping": lambda w: {"pk": foreign_import(w).pk},
    "transfer:import_confirm": lambda w: {"pk": foreign_import(w).pk},
    "transfer:import_errors": lambda w: {"pk": foreign_import(w).pk},
    "transfer:export_detail": lambda w: {"pk": foreign_export(w).pk},
    "transfer:export_file": lambda w: {"pk": foreign_export(w).pk},
}
LIST_URLS = {
    "transfer:import_list": "",
    "transfer:template": "?kind=members",
    "transfer:export_start": "",
}
PUBLIC = set()
