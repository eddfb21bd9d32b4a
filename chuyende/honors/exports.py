"""The award decision as an official .docx (chuyende.core.documents), with its awardees in an
annex table after the signature: "DANH SÁCH … (Kèm theo Quyết định số …)"."""

import io

from docx import Document
from docx.enum.text import WD_BREAK

from chuyende.core.documents import Body, OfficialDocument, Recipient, Signer, build_document
from chuyende.org.choices import UnitKind

from .choices import AwardKind, NomineeKind

QD_999 = (
    "Căn cứ Quyết định số 999/QĐ-TLĐ năm 2024 của Tổng Liên đoàn Lao động "
    "Việt Nam ban hành Quy chế khen thưởng của tổ chức Công đoàn;"
)
AWARD_WORDS = {AwardKind.GIAY_KHEN: "Giấy khen", AwardKind.BANG_KHEN: "Bằng khen"}
ANNEX_HEADERS = ("STT", "Tập thể, cá nhân", "Chức vụ, đơn vị", "Thành tích")


def _body_name(unit) -> str:
    """'Ban Chấp hành Liên đoàn Lao động tỉnh Đắk Lắk' for the award's wording."""
    return f"Ban Chấp hành {unit.name}"


def _standing(unit) -> str:
    return (
        f"Ban Thường vụ {unit.name}"
        if unit.kind != UnitKind.GRASSROOTS
        else (f"Ban Chấp hành {unit.name}")
    )


def _number_words(decision) -> str:
    return f"số {decision.number} ngày {decision.date.strftime('%d/%m/%Y')}"


def annex_rows(awards) -> list[list]:
    """Rows of the annex: collectives first (I.), then people (II.), numbered within each."""
    rows = []
    groups = (
        ("I", "TẬP THỂ", [a for a in awards if a.nomination.kind == NomineeKind.COLLECTIVE]),
        ("II", "CÁ NHÂN", [a for a in awards if a.nomination.kind == NomineeKind.PERSON]),
    )
    for numeral, title, items in groups:
        if not items:
            continue
        rows.append([numeral, title, "", ""])
        for index, award in enumerate(items, start=1):
            n = award.nomination
            if n.kind == NomineeKind.PERSON:
                where = ", ".join(p for p in (n.nominee_position, n.member.unit.name) if p)
            else:
                where = n.unit.name if n.unit_id != n.nominee_unit_id else ""
            rows.append([str(index), n.nominee_name, where, n.get_category_display()])
    return rows


def decision_docx(*, decision, awards, superior: str, place: str) -> bytes:
    unit = decision.unit
    award_word = AWARD_WORDS.get(decision.award_kind, "")
    people = sum(1 for a in awards if a.nomination.kind == NomineeKind.PERSON)
    collectives = len(awards) - people
    counted = " và ".join(
        part
        for part in (
            f"{collectives:02d} tập thể" if collectives else "",
            f"{people:02d} cá nhân" if people else "",
        )
        if part
    )
    doc = OfficialDocument(
        superior=superior,
        issuer=unit.name,
        number=decision.number,
        place=place,
        date=decision.date,
        kind="QUYẾT ĐỊNH",
        summary=f"Về việc tặng {award_word}"
        + (f" {decision.occasion}" if decision.occasion else ""),
        signer=Signer(
            authority=decision.signer_authority,
            position=decision.signer_position,
            name=decision.signer_name,
        ),
        recipients=[
            Recipient("Như Điều 3"),
            Recipient("Thường trực", "Báo cáo"),
        ],
        archive="VT, TG-NC",
    )

    def body(b: Body) -> None:
        b.paragraph(_standing(unit).upper(), bold=True, center=True)
        b.paragraph("Căn cứ Điều lệ Công đoàn Việt Nam;")
        b.paragraph(QD_999)
        b.paragraph(
            "Căn cứ Kế hoạch số 26/KH-LĐLĐ ngày 22/02/2024 của Ban Thường vụ Liên đoàn Lao động "
            "tỉnh về học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh năm 2024;"
        )
        if decision.thematic_review:
            b.paragraph(
                "Căn cứ kết quả sơ kết 03 năm thực hiện Kết luận số 01-KL/TW ngày 18/5/2021 "
                "của Bộ Chính trị;"
            )
        grassroots = unit.kind == UnitKind.GRASSROOTS
        b.paragraph(
            "Xét thành tích của các tập thể, cá nhân,"
            if grassroots
            else "Xét đề nghị của Ban Tuyên giáo – Nữ công,"
        )
        b.paragraph("QUYẾT ĐỊNH:", bold=True, center=True)
        b.paragraph(
            f"Điều 1. Tặng {award_word} của {_body_name(unit)} cho {counted} "
            f"(có danh sách kèm theo) đã có thành tích {decision.reason.rstrip('.')}."
        )
        b.paragraph(
            f"Điều 2. Kèm theo {award_word} là tiền thưởng theo quy định hiện hành của "
            "tổ chức Công đoàn."
        )
        b.paragraph(
            "Điều 3. Ban Chấp hành, các tổ công đoàn và các tập thể, cá nhân có tên tại Điều 1 "
            "căn cứ Quyết định thi hành./."
            if grassroots
            else "Điều 3. Văn phòng, Ban Tuyên giáo – Nữ công, các đơn vị có liên quan và các "
            "tập thể, cá nhân có tên tại Điều 1 căn cứ Quyết định thi hành./."
        )

    data = build_document(doc, body)
    # The annex follows the signature, on a new page, written with the same Body helpers.
    document = Document(io.BytesIO(data))
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    annex = Body(document)
    annex.paragraph("DANH SÁCH", bold=True, center=True)
    annex.paragraph(
        f"Tập thể, cá nhân được tặng {award_word} của {_body_name(unit)}", bold=True, center=True
    )
    annex.paragraph(
        f"(Kèm theo Quyết định {_number_words(decision)} của {_standing(unit)})",
        italic=True,
        center=True,
    )
    annex.table(ANNEX_HEADERS, annex_rows(awards), widths_cm=(1.2, 5.5, 5.8, 3.5))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
