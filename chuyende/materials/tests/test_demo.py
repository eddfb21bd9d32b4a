"""The demo's materials: real small files, spread downloads, the same on every build."""

import io
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count
from docx import Document
from pypdf import PdfReader

from chuyende.demo.builder import build_demo
from chuyende.demo.plan import DEMO_MODULES
from chuyende.materials.demo import load_demo
from chuyende.materials.models import Material, MaterialDownload
from chuyende.materials.services import check_upload
from chuyende.org.models import Unit
from chuyende.plans.models import Plan

pytestmark = pytest.mark.django_db


def _snapshot():
    materials = list(
        Material.objects.order_by("created_at", "title").values_list(
            "title", "kind", "unit__code", "file", "file_size", "url", "published", "created_at"
        )
    )
    downloads = list(
        MaterialDownload.objects.order_by("material__created_at", "unit__path", "at").values_list(
            "material__title", "unit__code", "user__username", "at"
        )
    )
    return materials, downloads


def test_the_demo_publishes_the_provinces_materials_as_real_files():
    build_demo(scale=0.02)
    province = Unit.objects.get(code="DLK")
    materials = Material.objects.filter(unit=province)
    assert materials.count() >= 8
    assert set(materials.values_list("kind", flat=True)) == {"pdf", "docx", "video", "link"}
    assert not materials.filter(plan=None).exists()
    assert materials.filter(published=False).count() == 1
    assert Material.objects.filter(unit__code="DLK-BMT").count() == 1
    for material in Material.objects.exclude(file=""):
        with material.file.open("rb") as handle:
            data = handle.read()
        assert len(data) == material.file_size
        check_upload(SimpleUploadedFile(material.original_name, data), material.kind)
        if material.kind == "pdf":
            reader = PdfReader(io.BytesIO(data), strict=True)
            assert reader.metadata.title == material.title
            assert reader.pages[0].extract_text().strip()
        else:
            assert Document(io.BytesIO(data)).paragraphs[0].text == material.title
    studied = materials.get(title="Tài liệu học tập Chuyên đề năm 2024")
    assert studied.original_name.endswith(".pdf") and not studied.original_name.isascii()
    assert any("Báo cáo viên" in a for a in studied.audiences)


def test_the_demo_downloads_are_spread_across_the_tree_and_only_of_published_materials():
    build_demo(scale=0.02)
    downloads = MaterialDownload.objects.all()
    assert downloads.count() > 300
    assert not downloads.filter(material__published=False).exists()
    kinds = dict(
        downloads.order_by()
        .values("unit__kind")
        .annotate(n=Count("id"))
        .values_list("unit__kind", "n")
    )
    assert kinds["grassroots"] > kinds["upper"] > 0
    grassroots = Unit.objects.filter(kind="grassroots").count()
    reached = downloads.filter(unit__kind="grassroots").values("unit").distinct().count()
    assert grassroots / 2 < reached <= grassroots
    city_material = Material.objects.get(unit__code="DLK-BMT")
    city = Unit.objects.get(code="DLK-BMT")
    assert city_material.downloads.exists()
    assert not city_material.downloads.exclude(unit__path__startswith=city.path).exists()
    for download in downloads.select_related("material")[:500]:
        assert download.at >= download.material.created_at.replace(hour=0, minute=0)
        assert download.at.year == 2024
    assert downloads.filter(user__username="coso").exists()


def test_loading_twice_with_the_demo_seed_gives_the_same_materials_and_downloads():
    build_demo(scale=0.02)
    first = _snapshot()
    province = Unit.objects.get(code="DLK")
    plan = Plan.objects.get(unit=province, number="26/KH-LĐLĐ")
    Material.objects.all().delete()
    assert not MaterialDownload.objects.exists()
    seed = 2024 + DEMO_MODULES.index("chuyende.materials")  # as load_module_demos gives it
    load_demo(province=province, plan=plan, rng=random.Random(seed))
    assert _snapshot() == first
    load_demo(province=province, plan=plan, rng=random.Random(seed))  # a second call adds nothing
    assert _snapshot() == first
