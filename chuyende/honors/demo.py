"""Honors of 2024 for the Đắk Lắk demo: nominations at every stage (waiting at the upper level,
returned, not accepted, forwarded, praised, proposed to the Confederation, awarded, kept by the
school's union for its own Giấy khen), the school union's and the city's Giấy khen decisions,
the province's signed Bằng khen decision for the 3-year review of Conclusion 01-KL/TW, a quota, and showcase stories with photos on the 2024 topic (preserving
ethnic cultural identity) and good people, good deeds. Through the services, then dated to
2024 with bulk updates; deterministic through the given generator only."""

import datetime
import struct
import time
import zlib

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from chuyende.org.choices import Gender, MemberStatus, UnitKind
from chuyende.org.models import Member, Unit

from . import services
from .choices import AwardKind, Category, NomineeKind
from .models import AwardDecision, Nomination, NominationStep

CITY_CODE = "DLK-BMT"
SCHOOL_CODE = "DLK-BMT-0001"
REVIEW = "Sơ kết 03 năm thực hiện Kết luận số 01-KL/TW của Bộ Chính trị"
YEAR_END = "Tổng kết Chuyên đề năm 2024"

# (category, person?, title, story with {p}/{P} for chị/anh, figures, photo colours)
STORIES = [
    (
        Category.FOLLOWING_UNCLE_HO,
        True,
        "Người giữ lửa cồng chiêng nơi trường học",
        "{P} đã đi khắp các buôn quanh trường, ghi chép lại 15 bài chiêng cổ từ các nghệ nhân "
        "cao tuổi, rồi thành lập đội chiêng thiếu nhi với 32 em học sinh người Ê Đê và M'Nông. "
        "Mỗi tuần hai buổi chiều, {p} tự nguyện hướng dẫn các em tập luyện, không nhận thù lao.\n"
        "Đội chiêng của trường đã biểu diễn trong các ngày lễ lớn của địa phương và dịp kỷ niệm "
        "95 năm Ngày thành lập Công đoàn Việt Nam. Nhiều phụ huynh nói các em nay biết quý tiếng "
        "chiêng, biết tự hào về văn hóa của buôn làng mình.",
        "15 bài chiêng cổ được ghi chép\n32 học sinh trong đội chiêng\n2 buổi tập mỗi tuần",
        ((181, 64, 38), (242, 181, 84)),
    ),
    (
        Category.GOOD_MODEL,
        False,
        "Tủ sách văn hóa các dân tộc Tây Nguyên",
        "Công đoàn cơ sở đã vận động đoàn viên góp sách, xây dựng tủ sách với hơn 600 đầu sách về "
        "lịch sử, văn hóa các dân tộc Tây Nguyên và về Chủ tịch Hồ Chí Minh. Tủ sách đặt ngay tại "
        "phòng nghỉ giữa ca, mở cửa cả ngày, có sổ mượn tự quản.\n"
        "Mỗi quý, công đoàn tổ chức một buổi giới thiệu sách, mời nghệ nhân kể sử thi Đam San "
        "cho đoàn viên và con em người lao động.",
        "Hơn 600 đầu sách\n4 buổi giới thiệu sách trong năm\n1.200 lượt mượn",
        ((38, 92, 140), (124, 181, 222)),
    ),
    (
        Category.GOOD_DEEDS,
        True,
        "Nhặt được của rơi, trả lại người mất",
        "Trên đường đi làm về, {p} nhặt được một túi xách có 45 triệu đồng và giấy tờ tùy thân. "
        "{P} đã mang đến Công an phường để tìm và trả lại cho người đánh rơi là một nông dân "
        "vừa bán cà phê.\n"
        "Việc làm của {p} được đồng nghiệp và nhân dân địa phương ghi nhận như một tấm gương sáng "
        "về lòng trung thực, đúng với lời Bác dạy về đạo đức cách mạng: cần, kiệm, liêm, chính.",
        "45 triệu đồng trả lại người mất",
        ((46, 125, 50), (165, 214, 167)),
    ),
    (
        Category.EFFECTIVE_PRACTICE,
        False,
        "Nhóm Zalo đưa Chuyên đề đến công nhân làm ca",
        "Người lao động làm theo ca, khó tập trung học tập. Công đoàn cơ sở lập nhóm Zalo theo "
        "từng tổ sản xuất, mỗi tuần đăng một câu chuyện ngắn về Bác kèm câu hỏi; tổ trưởng công "
        "đoàn tổng hợp câu trả lời vào buổi giao ca.\n"
        "Cách làm đơn giản, không tốn kinh phí, được nhiều công đoàn cơ sở trong khu công nghiệp "
        "học tập, nhân rộng.",
        "96 % đoàn viên tham gia nhóm\n40 câu chuyện về Bác đã đăng",
        ((94, 53, 177), (197, 167, 240)),
    ),
    (
        Category.FOLLOWING_UNCLE_HO,
        True,
        "Bác sĩ trẻ mang y tế về buôn",
        "Ngoài giờ làm việc ở bệnh viện, {p} cùng nhóm tình nguyện về các buôn đồng bào dân tộc "
        "thiểu số khám bệnh, phát thuốc miễn phí. {P} học tiếng Ê Đê để tư vấn cho bà con về "
        "chăm sóc sức khỏe bà mẹ, trẻ em, giữ gìn vệ sinh nguồn nước.\n"
        "Trong năm 2024, {p} đã tham gia 14 đợt khám, hơn 1.500 lượt người dân được khám và tư vấn.",
        "14 đợt khám tình nguyện\nHơn 1.500 lượt người dân",
        ((0, 121, 107), (128, 203, 196)),
    ),
    (
        Category.GOOD_MODEL,
        False,
        "Đội văn nghệ công nhân giữ gìn điệu xoang",
        "Đội văn nghệ của công đoàn cơ sở có 24 thành viên là công nhân, phần đông là người đồng "
        "bào dân tộc thiểu số. Đội dàn dựng các tiết mục múa xoang, hát dân ca, đàn T'rưng, biểu "
        "diễn trong các hội thi, hội diễn của công đoàn và giao lưu với buôn làng.\n"
        "Đội đã đạt giải Nhất hội diễn văn nghệ công nhân, viên chức, lao động cấp huyện.",
        "24 thành viên\n12 tiết mục dân tộc\nGiải Nhất hội diễn cấp huyện",
        ((198, 40, 40), (239, 154, 154)),
    ),
    (
        Category.EFFECTIVE_PRACTICE,
        False,
        "Ngày thứ Hai trang phục dân tộc",
        "Công đoàn phối hợp với chuyên môn phát động đoàn viên mặc trang phục truyền thống của dân "
        "tộc mình vào ngày thứ Hai đầu tháng. Mỗi lần như vậy, một đoàn viên giới thiệu ý nghĩa "
        "hoa văn, cách dệt thổ cẩm của dân tộc mình.\n"
        "Cách làm giúp đoàn viên các dân tộc hiểu nhau hơn, thêm tự hào về bản sắc văn hóa.",
        "100 % đoàn viên hưởng ứng\n10 buổi giới thiệu văn hóa",
        ((230, 81, 0), (255, 204, 128)),
    ),
    (
        Category.GOOD_DEEDS,
        True,
        "Tận tụy vì đoàn viên khó khăn",
        "Là Chủ tịch công đoàn cơ sở, {p} luôn sâu sát đời sống đoàn viên, người lao động. {P} "
        'đã vận động xây dựng 2 Mái ấm Công đoàn, tổ chức "Tết Sum vầy" cho hơn 200 công nhân '
        "và trao 85 suất quà cho đoàn viên có hoàn cảnh khó khăn.\n"
        "{P} thường nói: làm công đoàn là làm theo lời Bác, việc gì có lợi cho người lao động thì "
        "hết sức làm.",
        "2 Mái ấm Công đoàn\n85 suất quà\nHơn 200 công nhân đón Tết Sum vầy",
        ((121, 85, 72), (215, 204, 200)),
    ),
    (
        Category.FOLLOWING_UNCLE_HO,
        True,
        "Dạy tiếng M'Nông cho đồng nghiệp",
        "{P} mở lớp dạy tiếng M'Nông buổi tối cho giáo viên, nhân viên người Kinh mới về công "
        "tác tại vùng đồng bào dân tộc thiểu số. Sau mỗi khóa học ba tháng, các thầy cô đã có "
        "thể trò chuyện với phụ huynh, vận động học sinh ra lớp.\n"
        "Năm học 2023 - 2024, tỷ lệ học sinh chuyên cần của trường đạt 98 %.",
        "3 khóa học\n27 giáo viên, nhân viên theo học",
        ((2, 119, 189), (129, 212, 250)),
    ),
    (
        Category.GOOD_MODEL,
        False,
        "Mỗi tháng một câu chuyện về Bác",
        "Trong các buổi sinh hoạt định kỳ, mỗi tổ công đoàn lần lượt kể một câu chuyện về Bác và "
        "liên hệ với công việc của mình, rồi đăng ký một việc làm cụ thể để thực hiện trong tháng.",
        "12 buổi sinh hoạt\n36 việc làm cụ thể đăng ký",
        ((85, 139, 47), (197, 225, 165)),
    ),
    (
        Category.EFFECTIVE_PRACTICE,
        False,
        "Góc văn hóa truyền thống tại nhà ăn ca",
        "Công đoàn trưng bày hiện vật, ảnh về văn hóa các dân tộc tại nhà ăn ca, thay nội dung "
        "theo quý để công nhân tìm hiểu trong giờ nghỉ.",
        "4 lần thay nội dung trưng bày",
        ((69, 90, 100), (176, 190, 197)),
    ),
    (
        Category.GOOD_DEEDS,
        True,
        "Hiến máu cứu người 20 lần",
        "{P} đã 20 lần hiến máu tình nguyện và vận động đồng nghiệp cùng tham gia các đợt hiến máu "
        "do công đoàn tổ chức.",
        "20 lần hiến máu",
        ((173, 20, 87), (244, 143, 177)),
    ),
]
# (stage, story index): the approved ones carry the showcase's stories.
STAGES = [
    ("province_award", 0),
    ("province_award", 1),
    ("province_award", 4),
    ("province_award", 5),
    ("city_award", 2),
    ("city_award", 6),
    ("praised", 3),
    ("praised", 7),
    ("tld", 8),
    ("forwarded", 9),
    ("forwarded", 10),
    ("forwarded", 11),
    ("submitted", 9),
    ("submitted", 11),
    ("school_submitted", 2),
    ("school_returned", 10),
    ("rejected", 3),
    # Kept by the school's own union: one in its Giấy khen decision, one waiting for it.
    ("school_own_award", 7),
    ("school_kept", 6),
]
RETURN_COMMENT = (
    "Đề nghị bổ sung số liệu cụ thể về kết quả đạt được và ảnh hoạt động; ghi rõ chức vụ, "
    "đơn vị công tác của người được đề nghị."
)
REJECT_COMMENT = "Thành tích chưa tiêu biểu so với tiêu chí biểu dương của đợt sơ kết."


def png(width: int, height: int, top, bottom) -> bytes:
    """A small gradient PNG, written by hand (no imaging library needed)."""
    rows = []
    for y in range(height):
        t = y / max(height - 1, 1)
        colour = bytes(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        rows.append(b"\x00" + colour * width)
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def _date(rng, start, end) -> datetime.date:
    return start + datetime.timedelta(days=rng.randrange((end - start).days + 1))


def load_demo(*, province, plan, rng, stdout=None) -> None:
    started = time.perf_counter()
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=("tinh", "captren", "coso"))
    }
    tinh = users.get("tinh")
    if tinh is None:
        return
    captren, coso = users.get("captren", tinh), users.get("coso", tinh)
    city = Unit.objects.filter(code=CITY_CODE).first()
    school = Unit.objects.filter(code=SCHOOL_CODE).first()
    uppers = list(
        Unit.objects.filter(path__startswith=province.path, kind=UnitKind.UPPER, active=True)
        .exclude(code=CITY_CODE)
        .order_by("path")
    )
    grassroots = list(
        Unit.objects.filter(
            path__startswith=province.path, kind=UnitKind.GRASSROOTS, active=True
        ).order_by("path")
    )
    if city is None or school is None or not uppers:
        return
    tasks = {t.ref: t for t in plan.tasks.all()} if plan is not None else {}
    task = tasks.get("II.3") or tasks.get("III.2")
    used_members: set[int] = set()

    def union_under(upper):
        below = [g for g in grassroots if g.path.startswith(upper.path) and g.pk != school.pk]
        return rng.choice(below) if below else None

    def member_of(unit):
        candidates = list(
            Member.objects.filter(unit__path__startswith=unit.path, status=MemberStatus.ACTIVE)
            .exclude(pk__in=used_members)
            .order_by("sort_key", "id")[:60]
        )
        if not candidates:
            return None
        member = rng.choice(candidates)
        used_members.add(member.pk)
        return member

    made = []  # (stage, nomination, day)
    for index, (stage, story) in enumerate(STAGES):
        category, person, title, text, figures, colours = STORIES[story]
        if stage.startswith("school"):
            upper, unit = city, school
        elif stage == "city_award":
            upper, unit = city, union_under(city)
        else:
            upper = uppers[index % len(uppers)]
            unit = union_under(upper)
        if unit is None:
            continue
        member = member_of(unit) if person else None
        if person and member is None:
            continue
        pronoun = "chị" if member and member.gender == Gender.FEMALE else "anh"
        story_text = text.format(p=pronoun, P=pronoun.capitalize())
        actor = coso if unit.pk == school.pk else tinh
        photos = []
        if stage not in ("rejected", "submitted"):
            photos = [SimpleUploadedFile(f"guong-{index + 1}.png", png(480, 300, *colours))]
        nomination = services.nomination_create(
            unit=unit,
            acting_user=actor,
            kind=NomineeKind.PERSON if person else NomineeKind.COLLECTIVE,
            member=member,
            nominee_unit=None if person else unit,
            fields={
                "category": category,
                "title": title,
                "achievement": story_text,
                "figures": figures,
                "task": task,
                "occasion": REVIEW if stage == "province_award" else YEAR_END,
                "year": 2024,
                "showcase": True,
                "nominee_position": (member.job_title if member else ""),
            },
            photos=photos,
            keep=stage in ("school_own_award", "school_kept"),
        )
        reviewer = captren if upper.pk == city.pk else tinh
        if stage == "school_returned":
            services.nomination_return(
                nomination=nomination, acting_user=reviewer, comment=RETURN_COMMENT
            )
        elif stage == "rejected":
            services.nomination_reject(
                nomination=nomination, acting_user=reviewer, comment=REJECT_COMMENT
            )
        elif stage in ("forwarded", "province_award", "praised", "tld"):
            services.nomination_forward(
                nomination=nomination,
                acting_user=reviewer,
                comment="Đề nghị LĐLĐ tỉnh xem xét, biểu dương, khen thưởng.",
            )
            if stage == "praised":
                services.nomination_praise(nomination=nomination, acting_user=tinh)
            elif stage == "tld":
                services.nomination_forward(
                    nomination=nomination,
                    acting_user=tinh,
                    comment="Đề nghị Tổng Liên đoàn tặng Bằng khen.",
                )
        made.append(
            (stage, nomination, _date(rng, datetime.date(2024, 3, 1), datetime.date(2024, 4, 20)))
        )

    city_awardees = [n for stage, n, _ in made if stage == "city_award"]
    province_awardees = [n for stage, n, _ in made if stage == "province_award"]
    school_awardees = [n for stage, n, _ in made if stage == "school_own_award"]
    decisions = []
    if school_awardees:
        decisions.append(
            services.decision_create(
                unit=school,
                acting_user=captren,
                fields={
                    "award_kind": AwardKind.GIAY_KHEN,
                    "number": "12/QĐ-CĐCS",
                    "date": datetime.date(2024, 5, 6),
                    "reason": "tiêu biểu trong học tập và làm theo tư tưởng, đạo đức, phong cách "
                    "Hồ Chí Minh năm 2024",
                    "occasion": REVIEW,
                    "thematic_review": True,
                    "signer_authority": "TM. BAN CHẤP HÀNH",
                    "signer_position": "Chủ tịch",
                    "signer_name": "Trần Thị Mai",
                },
                nominations=school_awardees,
            )
        )
    if city_awardees:
        decisions.append(
            services.decision_create(
                unit=city,
                acting_user=captren,
                fields={
                    "award_kind": AwardKind.GIAY_KHEN,
                    "number": "45/QĐ-LĐLĐ",
                    "date": datetime.date(2024, 5, 10),
                    "reason": "tiêu biểu trong học tập và làm theo tư tưởng, đạo đức, phong cách "
                    "Hồ Chí Minh năm 2024",
                    "occasion": REVIEW,
                    "thematic_review": True,
                    "signer_authority": "TM. BAN THƯỜNG VỤ",
                    "signer_position": "Chủ tịch",
                    "signer_name": "Nguyễn Văn Thành",
                },
                nominations=city_awardees,
            )
        )
    if province_awardees:
        decisions.append(
            services.decision_create(
                unit=province,
                acting_user=tinh,
                fields={
                    "award_kind": AwardKind.BANG_KHEN,
                    "number": "128/QĐ-LĐLĐ",
                    "date": datetime.date(2024, 5, 17),
                    "reason": "xuất sắc trong học tập và làm theo tư tưởng, đạo đức, phong cách "
                    "Hồ Chí Minh, giai đoạn 2021 - 2024",
                    "occasion": "nhân dịp " + REVIEW[0].lower() + REVIEW[1:],
                    "thematic_review": True,
                    "signer_authority": "TM. BAN THƯỜNG VỤ",
                    "signer_position": "Chủ tịch",
                    "signer_name": "Nguyễn Thị Lý",
                },
                nominations=province_awardees,
            )
        )
    services.quota_set(
        issuer=province,
        unit=city,
        year=2024,
        award_kind=AwardKind.BANG_KHEN,
        limit=6,
        acting_user=tinh,
    )

    # Date everything in 2024: proposed in March–April, each step a few days after the last.
    nominations, steps = [], []
    by_id = {n.pk: (n, day) for _, n, day in made}
    for step in NominationStep.objects.filter(nomination_id__in=list(by_id)).order_by(
        "nomination_id", "at", "id"
    ):
        nomination, day = by_id[step.nomination_id]
        if step.action == "grant":
            decision = next(d for d in decisions if d.unit_id == step.from_unit_id)
            day = decision.date
        step.at = datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=datetime.UTC)
        by_id[step.nomination_id] = (nomination, day + datetime.timedelta(days=rng.randint(3, 9)))
        steps.append(step)
    for _, nomination, day in made:
        nomination.submitted_on = day
        nominations.append(nomination)
    NominationStep.objects.bulk_update(steps, ["at"], batch_size=500)
    Nomination.objects.bulk_update(nominations, ["submitted_on"], batch_size=500)
    if stdout is not None:
        stdout.write(
            f"  honors: {len(made)} nominations, "
            f"{AwardDecision.objects.filter(unit__path__startswith=province.path).count()} "
            f"decisions, {time.perf_counter() - started:.1f} s\n"
        )
