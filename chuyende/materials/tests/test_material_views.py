"""Publishing, seeing, downloading and removing study materials across the union tree."""

from urllib.parse import quote

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chuyende.core.models import AuditEvent
from chuyende.materials import selectors
from chuyende.materials.models import Material, MaterialDownload
from chuyende.org.models import RoleAssignment
from chuyende.plans.models import Task

from .factories import docx_upload, make_material, pdf_upload

pytestmark = pytest.mark.django_db

VIETNAMESE_NAME = "Tài liệu học tập Chuyên đề năm 2024.pdf"


def _publish(client, unit, **overrides):
    data = {
        "unit": unit.pk,
        "title": "Tài liệu học tập Chuyên đề năm 2024",
        "description": "Dùng cho hội nghị học tập.",
        "kind": "pdf",
        "file": pdf_upload(name=VIETNAMESE_NAME),
        "url": "",
        "plan": "",
        "audiences_suggested": [],
        "audiences_other": "Đoàn viên, CNVCLĐ\nBáo cáo viên",
        **overrides,
    }
    return client.post(reverse("materials:material_create"), data)


def _list(client, query=""):
    return client.get(reverse("materials:material_list") + query)


def _listed(response):
    return [m.pk for m in response.context["rows"]]


def test_the_province_publishes_a_pdf_that_every_unit_below_sees(client, world):
    client.force_login(world.alice)
    with time_machine.travel("2024-03-01 09:00 +07:00"):
        response = _publish(client, world.province, plan=world.plan.pk)
    material = Material.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("materials:material_detail", args=[material.pk])
    assert material.unit == world.province and material.plan == world.plan
    assert material.audiences == ["Đoàn viên, CNVCLĐ", "Báo cáo viên"]
    assert material.uploaded_by == world.alice and material.published
    assert material.created_at.date().isoformat() == "2024-03-01"
    audit = AuditEvent.objects.get(object_type="materials.material")
    assert (audit.action, audit.actor, audit.unit) == ("create", world.alice, world.province)
    for user in (world.bob, world.carol, world.dave, world.mallory, world.erin):
        client.force_login(user)
        assert _listed(_list(client)) == [material.pk], user.username
        assert (
            client.get(reverse("materials:material_detail", args=[material.pk])).status_code == 200
        )


def test_the_file_is_stored_under_a_safe_name_and_keeps_its_vietnamese_name(client, world):
    client.force_login(world.alice)
    _publish(client, world.province)
    material = Material.objects.get()
    assert material.original_name == VIETNAMESE_NAME
    assert material.file.name.isascii() and material.file.name.startswith("materials/")
    assert material.file.name.endswith(".pdf") and "Tai" not in material.file.name
    assert material.file_size == material.file.size > 0
    assert material.search_title == "tai lieu hoc tap chuyen de nam 2024"


def test_a_download_sends_the_original_name_and_counts_for_the_members_unit(client, world):
    material = make_material(world.province, "Tài liệu", original_name=VIETNAMESE_NAME)
    client.force_login(world.dave)
    url = reverse("materials:material_download", args=[material.pk])
    assert client.post(url).status_code == 405 and client.head(url).status_code == 405
    response = client.get(url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF-")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=utf-8''{quote(VIETNAMESE_NAME)}" in disposition
    assert response["Content-Type"] == "application/pdf"
    download = MaterialDownload.objects.get()
    assert (download.material, download.unit, download.user) == (material, world.a1, world.dave)
    audit = AuditEvent.objects.get(action="export")
    assert audit.object_id == str(material.pk) and audit.unit == world.a1
    assert audit.actor == world.dave


def test_a_download_counts_for_the_deepest_unit_where_the_user_holds_a_role(client, world):
    RoleAssignment.objects.create(user=world.alice, unit=world.a2, role="editor")
    assert selectors.downloader_unit(user=world.alice) == world.a2
    assert selectors.downloader_unit(user=world.bob) == world.a


def test_a_member_without_a_role_counts_for_the_unit_of_their_member_record(world):
    RoleAssignment.objects.filter(user=world.dave).delete()
    assert selectors.downloader_unit(user=world.dave) == world.a1
    assert selectors.downloader_unit(user=world.nobody) is None


def test_opening_a_link_material_redirects_to_it_and_counts(client, world):
    material = make_material(world.province, "Video", kind="video", url="https://youtu.be/x1")
    client.force_login(world.carol)
    response = client.get(reverse("materials:material_download", args=[material.pk]))
    assert response.status_code == 302 and response["Location"] == "https://youtu.be/x1"
    assert MaterialDownload.objects.get().unit == world.a1


def test_a_missing_file_answers_404_and_counts_nothing(client, world):
    material = make_material(world.province, "Tài liệu")
    material.file.delete(save=False)
    Material.objects.filter(pk=material.pk).update(file="materials/2024/gone.pdf")
    client.force_login(world.dave)
    assert client.get(reverse("materials:material_download", args=[material.pk])).status_code == 404
    assert not MaterialDownload.objects.exists()


def test_a_fake_pdf_is_refused_with_a_message_and_nothing_is_saved(client, world):
    client.force_login(world.alice)
    fake = SimpleUploadedFile(VIETNAMESE_NAME, b"MZ\x90\x00 an executable")
    response = _publish(client, world.province, file=fake)
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not Material.objects.exists()
    assert not AuditEvent.objects.filter(object_type="materials.material").exists()


def test_a_file_kind_needs_a_file_and_a_link_kind_needs_a_link(client, world):
    client.force_login(world.alice)
    response = _publish(client, world.province, file="")
    assert "file" in response.context["form"].errors
    response = _publish(client, world.province, kind="video", file="", url="")
    assert "url" in response.context["form"].errors
    response = _publish(client, world.province, kind="video", file="", url="ftp://x.vn/a")
    assert response.context["form"].errors
    assert not Material.objects.exists()
    response = _publish(client, world.province, kind="video", file="", url="youtu.be/abc")
    material = Material.objects.get()
    assert response.status_code == 302 and material.url == "https://youtu.be/abc"
    assert not material.file


def test_a_plan_of_a_unit_below_or_aside_cannot_be_attached(client, world):
    client.force_login(world.mallory)
    response = _publish(client, world.b, plan=world.plan.pk)  # the province's plan: fine
    assert response.status_code == 302
    client.force_login(world.alice)
    response = _publish(client, world.province, plan=world.foreign_plan.pk)  # B's own plan
    assert "plan" in response.context["form"].errors
    assert Material.objects.count() == 1


def test_a_manager_below_cannot_publish_for_the_province(client, world):
    client.force_login(world.bob)
    response = _publish(client, world.province)
    assert "unit" in response.context["form"].errors
    assert not Material.objects.exists()


def test_a_member_or_a_viewer_cannot_open_the_upload_form(client, world):
    for user in (world.dave, world.nobody):
        client.force_login(user)
        assert client.get(reverse("materials:material_create")).status_code == 403


def test_units_below_cannot_edit_a_province_material(client, world):
    material = make_material(world.province, "Tài liệu")
    url = reverse("materials:material_edit", args=[material.pk])
    for user in (world.bob, world.carol, world.erin):
        client.force_login(user)
        assert client.get(url).status_code == 403, user.username
        assert client.post(url, {"title": "Đổi"}).status_code == 403
    material.refresh_from_db()
    assert material.title == "Tài liệu"


def test_an_editor_edits_her_units_material_and_replaces_the_file(client, world):
    client.force_login(world.carol)
    _publish(client, world.a1, title="Tài liệu CĐCS")
    material = Material.objects.get()
    old_name = material.file.name
    url = reverse("materials:material_edit", args=[material.pk])
    assert client.get(url).status_code == 200
    data = {
        "unit": world.a1.pk,
        "title": "Đề cương của CĐCS",
        "description": "",
        "kind": "docx",
        "url": "",
        "plan": "",
        "audiences_suggested": ["Đoàn viên, CNVCLĐ"],
        "audiences_other": "",
    }
    response = client.post(url, data)  # a new kind needs a new file
    assert "file" in response.context["form"].errors
    response = client.post(url, {**data, "file": docx_upload(name="Đề cương mới.docx")})
    assert response.status_code == 302
    material.refresh_from_db()
    assert (material.kind, material.original_name) == ("docx", "Đề cương mới.docx")
    assert material.file.name != old_name and material.audiences == ["Đoàn viên, CNVCLĐ"]
    audit = AuditEvent.objects.filter(action="update").get()
    assert audit.changes["title"] == {"from": "Tài liệu CĐCS", "to": "Đề cương của CĐCS"}
    assert audit.changes["file"]["to"] == "Đề cương mới.docx"


def test_keeping_the_file_when_editing_other_fields(client, world):
    client.force_login(world.alice)
    _publish(client, world.province)
    material = Material.objects.get()
    data = {
        "unit": world.province.pk,
        "title": "Tài liệu (bản chính thức)",
        "kind": "pdf",
        "audiences_other": "Đoàn viên",
    }
    response = client.post(reverse("materials:material_edit", args=[material.pk]), data)
    assert response.status_code == 302
    material.refresh_from_db()
    assert material.original_name == VIETNAMESE_NAME and material.audiences == ["Đoàn viên"]


def test_only_managers_remove_and_a_removed_material_disappears_below(client, world):
    material = make_material(world.a1, "Tài liệu CĐCS")
    delete = reverse("materials:material_delete", args=[material.pk])
    detail = reverse("materials:material_detail", args=[material.pk])
    client.force_login(world.carol)  # editor: may change, may not remove
    assert client.post(delete).status_code == 403
    client.force_login(world.bob)  # manager above
    assert client.get(delete).status_code == 405
    assert client.post(delete).status_code == 302
    material.refresh_from_db()
    assert not material.published
    assert AuditEvent.objects.get(action="delete").object_id == str(material.pk)
    client.force_login(world.dave)
    assert client.get(detail).status_code == 404
    assert _listed(_list(client)) == []
    client.force_login(world.carol)  # still seen by those who may change it, marked removed
    assert client.get(detail).status_code == 200
    assert _listed(_list(client)) == [material.pk]
    client.force_login(world.bob)
    assert client.post(reverse("materials:material_restore", args=[material.pk])).status_code == 302
    client.force_login(world.dave)
    assert client.get(detail).status_code == 200


def test_the_list_filters_by_kind_plan_audience_and_title_without_accents(client, world):
    pdf = make_material(
        world.province,
        "Tài liệu học tập Chuyên đề",
        plan=world.plan,
        audiences=["Đoàn viên, CNVCLĐ"],
    )
    video = make_material(world.province, "Phóng sự về Bác Hồ", kind="video", audiences=["Cán bộ"])
    docx = make_material(world.a, "Đề cương tuyên truyền", kind="docx", plan=world.plan)
    client.force_login(world.carol)
    assert set(_listed(_list(client))) == {pdf.pk, video.pk, docx.pk}
    assert _listed(_list(client, "?kind=video")) == [video.pk]
    assert set(_listed(_list(client, f"?plan={world.plan.pk}"))) == {pdf.pk, docx.pk}
    assert _listed(_list(client, "?audience=Đoàn viên, CNVCLĐ")) == [pdf.pk]
    assert _listed(_list(client, "?q=DE CUONG tuyen")) == [docx.pk]
    assert _listed(_list(client, "?q=phóng sự")) == [video.pk]
    assert _listed(_list(client, "?q=hoc tap&kind=video")) == []
    assert set(_listed(_list(client, "?plan=999999&kind=nonsense"))) == {pdf.pk, video.pk, docx.pk}


def test_the_list_answers_htmx_with_the_results_only(client, world):
    make_material(world.province, "Tài liệu")
    client.force_login(world.carol)
    response = client.get(
        reverse("materials:material_list"),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="material-results",
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body and "data-material=" in body


def test_the_list_shows_the_downloads_made_in_the_viewers_subtree(client, world):
    material = make_material(world.province, "Tài liệu")
    for unit in (world.a1, world.a1, world.a2, world.b1):
        MaterialDownload.objects.create(material=material, unit=unit)
    expected = {world.alice: 4, world.bob: 3, world.carol: 2, world.mallory: 1}
    for user, count in expected.items():
        client.force_login(user)
        row = _list(client).context["rows"][0]
        assert row.download_total == count, user.username
        detail = client.get(reverse("materials:material_detail", args=[material.pk]))
        assert detail.context["download_total"] == count


def test_the_downloads_page_counts_per_child_unit_and_drills_down(client, world):
    material = make_material(world.province, "Tài liệu")
    for unit in (world.a1, world.a1, world.a2, world.a, world.b1, world.province):
        MaterialDownload.objects.create(material=material, unit=unit)
    url = reverse("materials:material_downloads", args=[material.pk])
    client.force_login(world.alice)
    response = client.get(url)
    assert response.context["unit"] == world.province
    rows = {child.code: counts for child, counts in response.context["rows"]}
    assert rows["DLK-BMT"]["downloads"] == 4 and rows["DLK-BMT"]["units"] == 3
    assert rows["DLK-BMT"]["unit_total"] == 3  # A, A1 and A2
    assert rows["DLK-EAKAR"]["downloads"] == 1
    assert response.context["own"]["downloads"] == 1 and response.context["total"] == 6
    response = client.get(f"{url}?unit={world.a.pk}")
    rows = {child.code: counts["downloads"] for child, counts in response.context["rows"]}
    assert rows == {"BMT-001": 2, "BMT-002": 1}
    assert response.context["own"]["downloads"] == 1
    client.force_login(world.bob)  # starts at his own unit; B is out of his reach
    response = client.get(url)
    assert response.context["unit"] == world.a and response.context["total"] == 4
    assert client.get(f"{url}?unit={world.b.pk}").status_code == 404
    assert client.get(f"{url}?unit=abc").status_code == 200


def test_audience_suggestions_come_from_the_plans_tasks(client, world):
    Task.objects.filter(pk=world.task.pk).update(
        audiences=["Báo cáo viên LĐLĐ tỉnh", "Cán bộ, công chức, viên chức, NLĐ"]
    )
    make_material(world.province, "Tài liệu", audiences=["Đoàn viên, CNVCLĐ"])
    client.force_login(world.alice)
    url = reverse("materials:material_create")
    choices = [c for c, _ in client.get(url).context["form"].fields["audiences_suggested"].choices]
    assert choices == [
        "Báo cáo viên LĐLĐ tỉnh",
        "Cán bộ, công chức, viên chức, NLĐ",
        "Đoàn viên, CNVCLĐ",
    ]
    response = client.get(
        f"{url}?plan={world.plan.pk}&audiences_suggested=Công nhân",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="audience-suggestions",
    )
    body = response.content.decode()
    assert "<html" not in body and 'id="audience-suggestions"' in body
    assert "Báo cáo viên LĐLĐ tỉnh" in body and "Công nhân" in body
    assert 'value="Công nhân"' in body and "checked" in body


def test_the_pages_render_for_a_member_on_a_phone_sized_list(client, world):
    material = make_material(world.province, "Tài liệu", audiences=["Đoàn viên"])
    client.force_login(world.dave)
    body = _list(client).content.decode()
    assert f'id="material-{material.pk}"' in body
    assert reverse("materials:material_create") not in body  # no upload button for a member
    body = client.get(reverse("materials:material_detail", args=[material.pk])).content.decode()
    assert reverse("materials:material_edit", args=[material.pk]) not in body
    assert reverse("materials:material_delete", args=[material.pk]) not in body
