"""Sessions for the tests, made straight in the database (the services are tested on their own)."""

import datetime

from django.core.files.base import ContentFile

from chuyende.study.choices import AttendanceSource, ExpectedMode
from chuyende.study.models import Attendance, SessionPhoto, StudySession
from chuyende.study.services import new_code

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


def make_session(unit, *, title="Hội nghị học tập Chuyên đề 2024", date=None, task=None, **extra):
    values = {
        "expected_mode": ExpectedMode.NUMBER,
        "expected_number": 20,
        "expected_count": 20,
        **extra,
    }
    return StudySession.objects.create(
        unit=unit,
        task=task,
        title=title,
        date=date or datetime.date(2024, 3, 15),
        code=new_code(),
        **values,
    )


def attend(session, *members, source=AttendanceSource.REGISTER):
    Attendance.objects.bulk_create(
        Attendance(session=session, member=m, source=source) for m in members
    )


def foreign_session(w):
    """A session of B's grassroots union (Ea Kar), with attendance, minutes and a photo."""
    if not hasattr(w, "foreign_session"):
        session = make_session(
            w.b1, title="Hội nghị quán triệt Ea Kar", task=w.task, place="Hội trường Ea Kar"
        )
        session.minutes.save("bien-ban-ea-kar.pdf", ContentFile(PDF), save=True)
        attend(session, w.foreign)
        photo = SessionPhoto(session=session, content_type="image/jpeg", caption="Ảnh Ea Kar")
        photo.image.save("ea-kar.jpg", ContentFile(JPEG), save=True)
        w.foreign_session = session
        w.foreign_photo = photo
    return w.foreign_session


def foreign_photo(w):
    foreign_session(w)
    return w.foreign_photo
