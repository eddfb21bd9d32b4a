"""The public showcase: approved examples only, searchable without accents, filterable,
paginated; nothing personal beyond name, unit and story; photos only of approved examples."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chuyende.honors import services

from .helpers import at_province, decide, jpeg, propose, propose_collective

pytestmark = pytest.mark.django_db


@pytest.fixture
def examples(world):
    """Praised (with a photo), awarded, pending, rejected and a praised one kept off the
    showcase."""
    praised = at_province(
        world,
        achievement="Chị Bình vận động 45 học sinh học đánh chiêng. Liên hệ 0987654321.",
    )
    services.nomination_praise(nomination=praised, acting_user=world.alice)
    with_photo = services.nomination_update(
        nomination=propose(world, member=world.an, title="Tủ sách Bác Hồ"),
        acting_user=world.carol,
        kind="person",
        member=world.an,
        fields={"category": "following_uncle_ho"},
        photos=[jpeg()],
    )
    with_photo = services.nomination_forward(nomination=with_photo, acting_user=world.bob)
    decide(world.province, world.alice, [with_photo])
    pending = propose(world, member=world.an, title="Chưa duyệt")
    rejected = propose(world, title="Không được chấp nhận")
    services.nomination_reject(nomination=rejected, acting_user=world.bob, comment="Chưa đạt.")
    private = at_province(world, title="Không công khai", showcase=False)
    services.nomination_praise(nomination=private, acting_user=world.alice)
    collective = propose_collective(world, world.a2)
    services.nomination_praise(nomination=collective, acting_user=world.alice)
    return {
        "praised": praised,
        "awarded": with_photo,
        "pending": pending,
        "rejected": rejected,
        "private": private,
        "collective": collective,
    }


def test_the_showcase_is_public_and_shows_only_approved_examples(client, world, examples):
    body = client.get(reverse("honors:showcase")).content.decode()
    shown = {k for k, n in examples.items() if f'data-example="{n.pk}"' in body}
    assert shown == {"praised", "awarded", "collective"}
    assert "Trường THCS Lê Lợi" in body  # the member's unit
    for personal in ("0987654321", "0912345678", "066085001234", "1985"):
        assert personal not in body


def test_the_story_page_hides_phone_numbers_and_unapproved_examples_404(client, examples):
    story = client.get(reverse("honors:showcase_detail", args=[examples["praised"].pk]))
    text = story.content.decode()
    assert "vận động 45 học sinh" in text and "0987654321" not in text and "•••" in text
    for key in ("pending", "rejected", "private"):
        url = reverse("honors:showcase_detail", args=[examples[key].pk])
        assert client.get(url).status_code == 404


def test_photos_are_public_only_for_approved_examples(client, world, examples):
    photo = examples["awarded"].photos.get()
    assert client.get(reverse("honors:showcase_photo", args=[photo.pk])).status_code == 200
    hidden = services.nomination_update(
        nomination=examples["pending"],
        acting_user=world.carol,
        kind="person",
        member=world.an,
        fields={},
        photos=[jpeg()],
    ).photos.get()
    assert client.get(reverse("honors:showcase_photo", args=[hidden.pk])).status_code == 404


def test_search_ignores_accents_and_filters_by_unit_and_category(client, world, examples):
    url = reverse("honors:showcase")
    body = client.get(url + "?q=tu sach bac ho").content.decode()
    assert f'data-example="{examples["awarded"].pk}"' in body
    assert f'data-example="{examples["praised"].pk}"' not in body
    body = client.get(url + "?category=good_model").content.decode()
    assert f'data-example="{examples["collective"].pk}"' in body
    assert f'data-example="{examples["awarded"].pk}"' not in body
    body = client.get(url + f"?unit={world.a.pk}").content.decode()
    assert body.count("data-example=") == 3
    body = client.get(
        url + "?q=khong co ai", headers={"HX-Request": "true", "HX-Target": "showcase-results"}
    )
    assert "<html" not in body.content.decode() and "data-example=" not in body.content.decode()


def test_the_showcase_takes_a_fixed_number_of_queries(client, world, examples):
    url = reverse("honors:showcase")
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    for _ in range(3):
        extra = at_province(world)
        services.nomination_praise(nomination=extra, acting_user=world.alice)
    with CaptureQueriesContext(connection) as second:
        client.get(url)
    assert len(first) == len(second) <= 6
