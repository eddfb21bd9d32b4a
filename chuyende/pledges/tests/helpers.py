"""Templates and pledges for the tests, made straight in the database."""

from chuyende.pledges.choices import PledgeStatus
from chuyende.pledges.models import Evaluation, Pledge, PledgeImport, PledgeSection, PledgeTemplate

SECTIONS = [
    ("politics", "Về tư tưởng chính trị", 1),
    ("ethics", "Về đạo đức, lối sống", 1),
    ("style", "Về tác phong, lề lối làm việc và ý thức tổ chức kỷ luật", 1),
    ("duties", "Về thực hiện chức trách, nhiệm vụ được giao", 2),
    ("follow", "Về làm theo Bác gắn với Chuyên đề năm 2024", 1),
    ("example", "Về trách nhiệm nêu gương", 0),
]


def make_template(unit, *, year=2024, plan=None, title=None, sections=SECTIONS):
    template = PledgeTemplate.objects.create(
        unit=unit,
        plan=plan,
        year=year,
        title=title or f"Bản cam kết tu dưỡng, rèn luyện năm {year}",
        topic="Giữ gìn và phát huy bản sắc văn hóa dân tộc",
    )
    PledgeSection.objects.bulk_create(
        PledgeSection(template=template, code=code, title=t, min_items=n, position=i)
        for i, (code, t, n) in enumerate(sections, start=1)
    )
    return template


def full_fields(**extra):
    return {
        "commitments": {
            "politics": "Tuyệt đối trung thành với lý tưởng của Đảng",
            "ethics": "Sống giản dị, trung thực",
            "style": "Chấp hành giờ giấc làm việc",
            "duties": "Hoàn thành 100% kế hoạch giảng dạy\nDự giờ 18 tiết mỗi học kỳ",
            "follow": "Mặc trang phục truyền thống vào dịp lễ",
            "example": "",
        },
        "actions": "Đọc sách về Bác mỗi tháng\nTham gia hội diễn cồng chiêng\nGiúp đỡ học sinh khó khăn",
        "target_rating": "excellent",
        "position": "Giáo viên",
        "union_group": "Tổ Toán",
        **extra,
    }


def make_pledge(member, template, *, status=PledgeStatus.ACCEPTED, **extra):
    values = {
        "full_name": member.full_name,
        "birth_year": member.date_of_birth.year if member.date_of_birth else None,
        "unit_name": member.unit.name,
        "commitments": {
            "politics": ["Trung thành"],
            "ethics": ["Giản dị"],
            "style": ["Đúng giờ"],
            "duties": ["Hoàn thành kế hoạch", "Dự giờ"],
            "follow": ["Trang phục truyền thống"],
        },
        "actions": ["Đọc sách", "Hội diễn", "Giúp đỡ"],
        "target_rating": "good",
        **extra,
    }
    return Pledge.objects.create(
        member=member, template=template, year=template.year, status=status, **values
    )


def foreign_template(w):
    if not hasattr(w, "foreign_template"):
        w.foreign_template = make_template(w.b, title="Bản cam kết của Ea Kar")
    return w.foreign_template


def foreign_section(w):
    if not hasattr(w, "foreign_section"):
        w.foreign_section = foreign_template(w).sections.order_by("position").first()
    return w.foreign_section


def foreign_pledge(w):
    """An accepted, rated pledge of Phạm Quốc Khánh (B1, Ea Kar)."""
    if not hasattr(w, "foreign_pledge"):
        w.foreign_pledge = make_pledge(
            w.foreign, foreign_template(w), status=PledgeStatus.SUBMITTED
        )
        Evaluation.objects.create(pledge=w.foreign_pledge, proposed_rating="excellent")
    return w.foreign_pledge


def foreign_import(w):
    if not hasattr(w, "foreign_import"):
        w.foreign_import = PledgeImport.objects.create(
            unit=w.b1,
            template=foreign_template(w),
            file_name="ea-kar.xlsx",
            total_rows=1,
            valid_rows=[],
            errors=[{"row": 2, "column": "Họ và tên", "message": "Phạm Quốc Khánh"}],
        )
    return w.foreign_import
