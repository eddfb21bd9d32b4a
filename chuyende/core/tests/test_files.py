import pytest
from django.http import Http404
from django.urls import reverse

from chuyende.core.files import open_stored

pytestmark = pytest.mark.django_db


def test_a_file_missing_from_storage_answers_404_not_500(client, world):
    evidence = world.foreign_evidence
    evidence.file.storage.delete(evidence.file.name)
    with pytest.raises(Http404):
        open_stored(evidence.file)
    client.force_login(world.mallory)
    response = client.get(reverse("plans:evidence_file", args=[evidence.pk]))
    assert response.status_code == 404


def test_an_empty_file_field_answers_404(world):
    world.foreign_evidence.file = ""
    with pytest.raises(Http404):
        open_stored(world.foreign_evidence.file)
