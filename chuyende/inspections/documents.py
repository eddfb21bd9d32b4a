"""The printed inspection record, through the one builder in `chuyende.core.documents`:
the minutes (biên bản kiểm tra) with the findings table, and the conclusion notice (thông báo
kết luận kiểm tra) with the recommendations and their due dates. Always in Vietnamese."""

from django.utils import timezone

from chuyende.core.documents import OfficialDocument, Recipient, Signer, build_document

from .choices import RATING_VI, Rating

FINDINGS_COLUMNS = ("STT", "Nội dung kiểm tra", "Kết quả kiểm tra", "Đánh giá")
FINDINGS_WIDTHS_CM = (1.2, 5.0, 7.3, 2.5)
RECOMMENDATION_COLUMNS = ("STT", "Nội dung kiến nghị", "Thời hạn thực hiện")
RECOMMENDATION_WIDTHS_CM = (1.2, 11.0, 3.8)


def _d(day) -> str:
    return day.strftime("%d/%m/%Y")


def _plan_reference(inspection_plan) -> str:
    number = f" số {inspection_plan.number}" if inspection_plan.number else ""
    return (
        f"Kế hoạch kiểm tra{number} của {inspection_plan.unit.name} về "
        f"{inspection_plan.title[:1].lower()}{inspection_plan.title[1:]}"
    )


def _leader_signer(inspection_plan, authority="") -> Signer:
    leader = inspection_plan.leader
    return Signer(authority=authority, position="Trưởng đoàn kiểm tra", name=leader.get("name", ""))


def _team_lines(inspection_plan) -> list[str]:
    lines = []
    for index, member in enumerate(inspection_plan.team):
        role = "Trưởng đoàn" if index == 0 else "Thành viên"
        position = f", {member['position']}" if member.get("position") else ""
        lines.append(f"Ông/Bà {member['name']}{position} — {role}.")
    return lines


def minutes_docx(*, inspection, rows, recommendations, superior: str, locality: str) -> bytes:
    """Biên bản kiểm tra: who, when, the findings per point, the conclusion and the
    recommendations as they stand."""
    inspection_plan = inspection.inspection_plan
    doc = OfficialDocument(
        superior=superior,
        issuer=inspection_plan.unit.name,
        kind="Biên bản kiểm tra",
        summary=f"{inspection_plan.title} tại {inspection.unit.name}",
        place=locality or "………",
        date=inspection.date,
        signer=_leader_signer(inspection_plan, authority="TM. Đoàn kiểm tra"),
        recipients=[
            Recipient(inspection.unit.name),
            Recipient(f"Thường trực {inspection_plan.unit.name}", "Báo cáo"),
        ],
        archive="VT, Đoàn KT",
    )
    table_rows = [
        (
            index,
            row.point.title,
            row.finding.text if row.finding else "",
            RATING_VI.get(row.finding.rating, "") if row.finding else "",
        )
        for index, row in enumerate(rows, start=1)
    ]

    def body(b):
        b.paragraph(
            f"Thực hiện {_plan_reference(inspection_plan)}, hôm nay, ngày {_d(inspection.date)}, "
            f"Đoàn kiểm tra của {inspection_plan.unit.name} tiến hành kiểm tra tại "
            f"{inspection.unit.name}."
        )
        b.heading("I. THÀNH PHẦN")
        b.heading("1. Đoàn kiểm tra", level=2)
        for line in _team_lines(inspection_plan):
            b.bullet(line)
        b.heading("2. Đơn vị được kiểm tra", level=2)
        b.bullet(f"{inspection.unit.name}.")
        b.heading("II. NỘI DUNG VÀ KẾT QUẢ KIỂM TRA")
        b.table(FINDINGS_COLUMNS, table_rows, widths_cm=FINDINGS_WIDTHS_CM)
        b.heading("III. KẾT LUẬN")
        b.paragraph(inspection.conclusion or "(Đoàn kiểm tra chưa kết luận.)")
        if recommendations:
            b.heading("IV. KIẾN NGHỊ")
            for rec in recommendations:
                b.bullet(f"{rec.text} (thời hạn: {_d(rec.due_on)}).")
        b.paragraph(
            "Biên bản được lập thành 02 bản có giá trị như nhau, đơn vị được kiểm tra giữ 01 "
            "bản, Đoàn kiểm tra giữ 01 bản; các thành viên tham dự thống nhất nội dung biên bản."
        )

    return build_document(doc, body)


def notice_docx(*, inspection, rows, recommendations, superior: str, locality: str) -> bytes:
    """Thông báo kết luận kiểm tra: strengths, shortcomings, the conclusion and the
    recommendations with their due dates."""
    inspection_plan = inspection.inspection_plan
    issued = (
        timezone.localdate(inspection.concluded_at) if inspection.concluded_at else inspection.date
    )
    doc = OfficialDocument(
        superior=superior,
        issuer=inspection_plan.unit.name,
        number=inspection.notice_number,
        kind="Thông báo",
        summary=f"Kết luận kiểm tra tại {inspection.unit.name}",
        place=locality or "………",
        date=issued,
        signer=_leader_signer(inspection_plan, authority="TM. Đoàn kiểm tra"),
        recipients=[
            Recipient(inspection.unit.name, "Thực hiện"),
            Recipient(f"Thường trực {inspection_plan.unit.name}", "Báo cáo"),
        ],
        archive="VT, Đoàn KT",
    )
    strengths = [r for r in rows if r.finding and r.finding.rating != Rating.WEAK]
    weaknesses = [r for r in rows if r.finding and r.finding.rating == Rating.WEAK]
    latest = max((r.due_on for r in recommendations), default=None)

    def body(b):
        b.paragraph(
            f"Thực hiện {_plan_reference(inspection_plan)}, ngày {_d(inspection.date)}, Đoàn "
            f"kiểm tra đã tiến hành kiểm tra tại {inspection.unit.name}. Đoàn kiểm tra thông "
            "báo kết luận kiểm tra như sau:"
        )
        b.heading("I. ƯU ĐIỂM")
        for row in strengths or []:
            b.bullet(f"{row.point.title}: {row.finding.text}")
        if not strengths:
            b.bullet("Không có.")
        b.heading("II. HẠN CHẾ, TỒN TẠI")
        for row in weaknesses:
            b.bullet(f"{row.point.title}: {row.finding.text}")
        if not weaknesses:
            b.bullet("Không có.")
        b.heading("III. KẾT LUẬN")
        b.paragraph(inspection.conclusion or "(Đoàn kiểm tra chưa kết luận.)")
        b.heading("IV. KIẾN NGHỊ")
        if recommendations:
            b.table(
                RECOMMENDATION_COLUMNS,
                [(n, r.text, _d(r.due_on)) for n, r in enumerate(recommendations, start=1)],
                widths_cm=RECOMMENDATION_WIDTHS_CM,
            )
            b.paragraph(
                f"Đề nghị {inspection.unit.name} nghiêm túc thực hiện các kiến nghị trên và báo "
                f"cáo kết quả thực hiện về {inspection_plan.unit.name} trước ngày {_d(latest)}."
            )
        else:
            b.paragraph("Không có kiến nghị.")

    return build_document(doc, body)
