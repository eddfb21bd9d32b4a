"""URLs of `materials` for the scoping walk in chuyende/core/tests/test_url_scoping.py.

OBJECT_URLS: URL name -> kwargs of a material published by B (mallory's, not bob's).
LIST_URLS: URL name -> query string that would show B's rows if scoping failed.
"""

from django.core.files.base import ContentFile

from chuyende.materials.models import Material, MaterialDownload

PDF = b"%PDF-1.4\n% Ea Kar\n"


def foreign_material(w):
    """A PDF published by LĐLĐ huyện Ea Kar, downloaded once in B1 (created once per world)."""
    if not hasattr(w, "foreign_material"):
        material = Material(
            unit=w.b,
            title="Tài liệu học tập của Ea Kar",
            kind="pdf",
            original_name="Tài liệu Ea Kar.pdf",
            file_size=len(PDF),
            audiences=["Đoàn viên Ea Kar"],
            uploaded_by=w.mallory,
        )
        material.refresh_derived()
        material.file.save("ea-kar.pdf", ContentFile(PDF), save=False)
        material.save()
        MaterialDownload.objects.create(material=material, unit=w.b1)
        w.foreign_material = material
    return w.foreign_material


def _pk(w):
    return {"pk": foreign_material(w).pk}


OBJECT_URLS = {
    "materials:material_detail": _pk,
    "materials:material_edit": _pk,
    "materials:material_download": _pk,
    "materials:material_downloads": _pk,
    "materials:material_delete": _pk,
    "materials:material_restore": _pk,
}
LIST_URLS = {
    "materials:material_list": "?q=ea kar",
    "materials:material_create": "",
}
