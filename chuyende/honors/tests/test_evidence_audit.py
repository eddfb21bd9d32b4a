"""Downloading an evidence file is an export in the audit log; a refused or failed download
writes nothing."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chuyende.core.models import AuditEvent
from chuyende.honors import services
from chuyende.honors.choices import NomineeKind

from .helpers import PDF, fields, foreign

pytestmark = pytest.mark.django_db


def _with_file(w):
    nomination = services.nomination_create(
        unit=w.a1,
        acting_user=w.carol,
        kind=NomineeKind.PERSON,
        member=w.binh,
        fields=fields(),
        files=[SimpleUploadedFile("thanh-tich.pdf", PDF)],
    )
    return nomination.files.get()


def _exports():
    return AuditEvent.objects.filter(action="export", object_type="honors.nominationfile")


def test_a_download_in_scope_is_audited_as_an_export(client, world):
    item = _with_file(world)
    client.force_login(world.bob)
    response = client.get(reverse("honors:evidence_file", args=[item.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert 'filename="thanh-tich.pdf"' in response["Content-Disposition"]
    event = _exports().get()
    assert (event.actor, event.object_id, event.unit) == (world.bob, str(item.pk), world.a1)
    assert event.changes == {"nomination": item.nomination_id}
    assert "thanh-tich.pdf" in event.object_repr


def test_no_login_out_of_scope_or_a_missing_file_writes_no_audit_row(client, world):
    item = _with_file(world)
    url = reverse("honors:evidence_file", args=[item.pk])
    assert client.get(url).status_code == 302
    foreign(world)
    client.force_login(world.bob)
    assert client.get(
        reverse("honors:evidence_file", args=[world.foreign_file.pk])
    ).status_code == (404)
    client.force_login(world.dave)  # a member: not the evidence of their own nomination
    assert client.get(url).status_code == 404
    item.file.storage.delete(item.file.name)
    client.force_login(world.carol)
    assert client.get(url).status_code == 404
    assert not _exports().exists()


def test_the_service_checks_the_right_to_export(world):
    item = _with_file(world)
    with pytest.raises(PermissionDenied):
        services.evidence_exported(item=item, acting_user=world.mallory)
    assert not _exports().exists()
    services.evidence_exported(item=item, acting_user=world.erin)  # a viewer of the province
    assert _exports().count() == 1
