"""Certificates of participation or prize, through the shared document builder."""

from django.utils import timezone

from chuyende.core.documents import Body, OfficialDocument, Signer, build_document

DEFAULT_RULES = (
    "1. Đối tượng: đoàn viên, công nhân, viên chức, lao động đang làm việc tại các cơ quan, "
    "đơn vị, doanh nghiệp trên địa bàn.\n"
    "2. Mỗi đợt thi gồm các câu hỏi trắc nghiệm và một câu hỏi dự đoán số người dự thi. "
    "Thời gian làm bài tính từ khi bắt đầu đến khi nộp bài.\n"
    "3. Mỗi người chỉ dùng một số điện thoại; kết quả cao nhất trong các lượt thi được tính.\n"
    "4. Ban Tổ chức có quyền loại các bài thi gian lận (nhiều lượt thi bất thường từ một địa chỉ, "
    "đăng ký hộ hàng loạt)."
)


def certificate_docx(*, attempt, prize: str, superior=None) -> bytes:
    contest = attempt.round.contest
    unit = contest.unit
    participant = attempt.participant
    doc = OfficialDocument(
        superior=(superior.name if superior else "").upper(),
        issuer=unit.name.upper(),
        kind="GIẤY CHỨNG NHẬN",
        summary=prize and f"Đạt {prize}" or "Đã tham gia cuộc thi",
        place="Đắk Lắk",
        date=timezone.localdate(),
        signer=Signer(authority="TM. BAN THƯỜNG VỤ", position="CHỦ TỊCH", name=""),
        recipients=[],
        archive="VT",
    )

    def body(b: Body):
        b.paragraph(f"{unit.name.upper()} CHỨNG NHẬN", bold=True, center=True)
        b.paragraph(f"Ông/Bà: {participant.full_name}", bold=True, center=True)
        b.paragraph(f"Đơn vị: {participant.unit.name}", center=True)
        if prize:
            b.paragraph(
                f"Đã đạt {prize} đợt {attempt.round.number} {contest.title}, "
                f"trả lời đúng {attempt.score}/{attempt.total} câu hỏi.",
                center=True,
            )
        else:
            b.paragraph(
                f"Đã tham gia đợt {attempt.round.number} {contest.title}, "
                f"trả lời đúng {attempt.score}/{attempt.total} câu hỏi.",
                center=True,
            )

    return build_document(doc, body)
