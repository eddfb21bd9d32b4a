"""Nominations and decisions for the tests, made through the services."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from chuyende.honors import services
from chuyende.honors.choices import AwardKind, Category, NomineeKind

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"

STORY = (
    "Cô giáo người Ê Đê đã sưu tầm, phục dựng 12 bài chiêng cổ, mở lớp dạy đánh chiêng miễn phí "
    "cho 45 học sinh dân tộc thiểu số."
)


def jpeg(name="anh.jpg"):
    return SimpleUploadedFile(name, JPEG, content_type="image/jpeg")


def fields(**extra):
    return {
        "category": Category.GOOD_DEEDS,
        "title": "Giữ lửa cồng chiêng",
        "achievement": STORY,
        "figures": "12 bài chiêng\n45 học sinh",
        "year": 2024,
        "occasion": "Tổng kết Chuyên đề năm 2024",
        **extra,
    }


def propose(w, member=None, user=None, unit=None, **extra):
    """A nomination of a member of A1 by A1 (carol), waiting at A."""
    return services.nomination_create(
        unit=unit or w.a1,
        acting_user=user or w.carol,
        kind=NomineeKind.PERSON,
        member=member or w.binh,
        fields=fields(**extra),
    )


def propose_collective(w, nominee_unit, unit=None, user=None, **extra):
    return services.nomination_create(
        unit=unit or w.a,
        acting_user=user or w.bob,
        kind=NomineeKind.COLLECTIVE,
        nominee_unit=nominee_unit,
        fields=fields(category=Category.GOOD_MODEL, title="Mô hình Tủ sách văn hóa", **extra),
    )


def at_province(w, member=None, **extra):
    """A nomination forwarded by A to the province."""
    nomination = propose(w, member=member, **extra)
    return services.nomination_forward(nomination=nomination, acting_user=w.bob)


def decide(unit, user, nominations, *, number="15/QĐ-LĐLĐ", kind=None, **extra):
    return services.decision_create(
        unit=unit,
        acting_user=user,
        fields={
            "award_kind": kind or services.award_kinds_for(unit)[0],
            "number": number,
            "date": datetime.date(2024, 11, 20),
            "reason": "xuất sắc trong học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
            "occasion": "",
            "thematic_review": False,
            "signer_authority": "TM. BAN THƯỜNG VỤ",
            "signer_position": "Chủ tịch",
            "signer_name": "Nguyễn Văn Thành",
            **extra,
        },
        nominations=nominations,
    )


def foreign(w):
    """B's objects: a nomination of B1's member with a photo and a file, granted a Giấy khen
    by B (mallory) in a decision, a quota of B; cached on the world."""
    if not hasattr(w, "foreign_nomination"):
        nomination = services.nomination_create(
            unit=w.b1,
            acting_user=w.mallory,
            kind=NomineeKind.PERSON,
            member=w.foreign,
            fields=fields(title="Gương sáng Ea Kar"),
            photos=[jpeg("ea-kar.jpg")],
            files=[SimpleUploadedFile("thanh-tich-ea-kar.pdf", PDF)],
        )
        w.foreign_decision = decide(w.b, w.mallory, [nomination], number="3/QĐ-LĐLĐ Ea Kar")
        w.foreign_nomination = nomination
        w.foreign_pending = services.nomination_create(
            unit=w.b1,
            acting_user=w.mallory,
            kind=NomineeKind.COLLECTIVE,
            nominee_unit=w.b1,
            fields=fields(title="Mô hình cà phê sạch Ea Kar"),
        )
        w.foreign_nomination_photo = nomination.photos.get()
        w.foreign_file = nomination.files.get()
        w.foreign_quota = services.quota_set(
            issuer=w.b,
            unit=w.b1,
            year=2024,
            award_kind=AwardKind.GIAY_KHEN,
            limit=3,
            acting_user=w.mallory,
        )
    return w.foreign_nomination
