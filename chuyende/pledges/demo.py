"""Pledges of 2024 for the Đắk Lắk demo: the province's template for the year's topic (giữ gìn và
phát huy bản sắc văn hóa dân tộc), a pledge for most members (the share varying from union to
union, some below the 70 % mark), and the year-end evaluations and ratings. Bulk-inserted, then
the pledge tallies recounted; deterministic through the given generator only. The `doanvien`
account is left without a pledge so the members' journey can be tried on the demo."""

import datetime
import json
import time

from django.db import connection, transaction
from django.utils import timezone

from chuyende.org.choices import MemberStatus
from chuyende.org.models import Member

from . import tallies
from .choices import ItemResult, PledgeSource, PledgeStatus
from .models import Evaluation, Pledge, PledgeSection, PledgeTemplate

BATCH = 2000
YEAR = 2024
DEMO_MEMBER_USERNAME = "doanvien"

TITLE = "Bản cam kết tu dưỡng, rèn luyện, phấn đấu năm 2024"
TOPIC = (
    "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh về giữ gìn và phát huy bản "
    "sắc văn hóa dân tộc"
)
INTRODUCTION = (
    "Thực hiện Kế hoạch số 26/KH-LĐLĐ ngày 22/02/2024 của Liên đoàn Lao động tỉnh về học tập và "
    "làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh năm 2024, mỗi đoàn viên, công chức, viên "
    "chức, người lao động xây dựng Bản cam kết tu dưỡng, rèn luyện, lưu tại công đoàn cơ sở để "
    "theo dõi, làm căn cứ đánh giá, xếp loại cuối năm."
)
SECTIONS = [
    (
        "tu-tuong",
        "Về tư tưởng chính trị",
        "Ghi rõ việc giữ vững lập trường, chấp hành chủ trương của Đảng, chính sách, pháp luật "
        "của Nhà nước, nghị quyết của công đoàn; ý thức tự học tập, nâng cao trình độ lý luận.",
        1,
    ),
    (
        "dao-duc",
        "Về phẩm chất đạo đức, lối sống",
        "Nêu những việc cụ thể về cần, kiệm, liêm, chính, chí công vô tư; sống giản dị, đoàn "
        "kết, yêu thương đồng nghiệp; không vi phạm những điều đoàn viên không được làm.",
        1,
    ),
    (
        "tac-phong",
        "Về tác phong, lề lối làm việc và ý thức tổ chức kỷ luật",
        "Chấp hành nội quy, quy chế của cơ quan, đơn vị; giờ giấc làm việc; văn hóa công sở; "
        "tinh thần phục vụ nhân dân, khách hàng.",
        1,
    ),
    (
        "nhiem-vu",
        "Về thực hiện chức trách, nhiệm vụ được giao (có chỉ tiêu cụ thể)",
        "Ghi những chỉ tiêu đo được của năm 2024 theo vị trí việc làm: số sản phẩm, tỷ lệ hoàn "
        "thành, sáng kiến, số lớp, số ca trực…",
        2,
    ),
    (
        "lam-theo",
        "Về làm theo Bác gắn với Chuyên đề năm 2024: giữ gìn và phát huy bản sắc văn hóa dân tộc",
        "Những việc làm giữ gìn tiếng nói, chữ viết, trang phục, lễ hội, cồng chiêng, nghề "
        "truyền thống của các dân tộc Tây Nguyên; xây dựng gia đình văn hóa, cơ quan văn hóa; "
        "không tham gia hủ tục.",
        1,
    ),
    (
        "neu-guong",
        "Về trách nhiệm nêu gương",
        "Đối với cán bộ công đoàn, người đứng đầu: những việc nêu gương trước đoàn viên, người "
        "lao động (không bắt buộc với đoàn viên khác).",
        0,
    ),
]
POOLS = {
    "tu-tuong": [
        "Tuyệt đối trung thành với mục tiêu, lý tưởng của Đảng; chấp hành nghiêm chủ trương, "
        "chính sách, pháp luật",
        "Tham gia đầy đủ các buổi học tập, quán triệt nghị quyết, chuyên đề do công đoàn tổ chức",
        "Không nghe, không đọc, không chia sẻ thông tin xấu, độc trên mạng xã hội",
        "Tự học tập nâng cao trình độ lý luận chính trị, chuyên môn, nghiệp vụ",
    ],
    "dao-duc": [
        "Sống giản dị, trung thực, đoàn kết, giúp đỡ đồng nghiệp",
        "Thực hành tiết kiệm, chống lãng phí trong sử dụng điện, nước, văn phòng phẩm",
        "Không vi phạm những điều đoàn viên không được làm",
        "Gương mẫu xây dựng gia đình văn hóa, nuôi dạy con ngoan",
    ],
    "tac-phong": [
        "Chấp hành nghiêm giờ giấc làm việc, nội quy cơ quan",
        "Thực hiện tốt văn hóa công sở, ứng xử đúng mực với đồng nghiệp và nhân dân",
        "Giải quyết công việc đúng hạn, không để tồn đọng",
        "Đảm bảo an toàn, vệ sinh lao động nơi làm việc",
    ],
    "nhiem-vu": [
        "Hoàn thành 100% kế hoạch công tác năm được giao",
        "Có ít nhất 01 sáng kiến, giải pháp cải tiến được cấp cơ sở công nhận",
        "Tham gia đầy đủ các lớp bồi dưỡng chuyên môn trong năm",
        "Không để xảy ra sai sót, khiếu nại trong phần việc phụ trách",
        "Vượt 5% chỉ tiêu năng suất, sản lượng được giao",
        "Hoàn thành đúng hạn 100% hồ sơ, báo cáo",
    ],
    "lam-theo": [
        "Mặc trang phục truyền thống của dân tộc vào các ngày lễ, hội",
        "Tham gia câu lạc bộ cồng chiêng, văn nghệ dân tộc của cơ quan, địa phương",
        "Tìm hiểu, giới thiệu với đồng nghiệp về phong tục tốt đẹp của đồng bào Ê Đê, M'Nông",
        "Không tham gia, vận động người thân bỏ hủ tục trong cưới hỏi, tang ma",
        "Dạy con em nói, viết tiếng dân tộc và giữ gìn nghề dệt thổ cẩm của gia đình",
        "Tham gia Ngày hội Văn hóa các dân tộc do công đoàn tổ chức",
    ],
    "neu-guong": [
        "Gương mẫu đi đầu trong các phong trào thi đua của công đoàn",
        "Nói đi đôi với làm, lắng nghe ý kiến của đoàn viên",
    ],
}
ACTIONS = [
    "Mỗi tháng đọc ít nhất một cuốn sách, bài viết về tư tưởng, đạo đức Hồ Chí Minh",
    "Tham gia Hội thi tìm hiểu bản sắc văn hóa các dân tộc do LĐLĐ tỉnh tổ chức",
    "Mặc trang phục truyền thống vào ngày thứ Hai đầu tháng",
    "Đóng góp ít nhất 01 ngày lương cho Quỹ Mái ấm Công đoàn",
    "Giúp đỡ ít nhất 01 đồng nghiệp, đoàn viên có hoàn cảnh khó khăn",
    "Tham gia đầy đủ sinh hoạt công đoàn định kỳ",
    "Viết ít nhất 01 bài chia sẻ gương người tốt, việc tốt trên trang của công đoàn",
    "Tham gia lớp học tiếng Ê Đê cơ bản do đơn vị tổ chức",
    "Tham gia trồng và chăm sóc cây xanh tại nơi làm việc",
]
STATUS_SPREAD = [
    (PledgeStatus.ACCEPTED, 0.9),
    (PledgeStatus.SUBMITTED, 0.05),
    (PledgeStatus.RETURNED, 0.02),
    (PledgeStatus.DRAFT, 0.03),
]
RATING_SPREAD = [("excellent", 0.18), ("good", 0.55), ("fulfilled", 0.24), ("not_fulfilled", 0.03)]
RATED = 0.92  # share of accepted pledges with a final rating by the end of the year
RETURN_COMMENTS = (
    "Đề nghị ghi chỉ tiêu cụ thể, đo được cho phần nhiệm vụ chuyên môn.",
    "Phần làm theo Bác cần gắn với Chuyên đề năm 2024 về bản sắc văn hóa dân tộc.",
)
RESULTS = [(ItemResult.DONE, 0.8), (ItemResult.PARTLY, 0.16), (ItemResult.NOT_DONE, 0.04)]


def _pick(rng, spread):
    roll, total = rng.random(), 0.0
    for value, weight in spread:
        total += weight
        if roll < total:
            return value
    return spread[-1][0]


_AT_CACHE: dict = {}


def _at(day: datetime.date, hour=9) -> datetime.datetime:
    key = (day, hour)
    found = _AT_CACHE.get(key)
    if found is None:
        found = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))
        _AT_CACHE[key] = found
    return found


PLEDGE_COLUMNS = (
    "member_id",
    "template_id",
    "year",
    "status",
    "source",
    "version",
    "is_current",
    "full_name",
    "birth_year",
    "position",
    "unit_name",
    "union_group",
    "commitments",
    "actions",
    "target_rating",
    "submitted_at",
    "reviewed_at",
    "return_comment",
    "created_at",
    "updated_at",
)
EVALUATION_COLUMNS = (
    "pledge_id",
    "results",
    "self_note",
    "proposed_rating",
    "self_evaluated_at",
    "final_rating",
    "union_title",
    "rating_note",
    "rated_at",
)


def _insert(model, columns, rows) -> None:
    """Rows straight into the table (executemany): the ORM's per-field preparation of
    bulk_create costs more than the database itself for tens of thousands of rows."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


@transaction.atomic
def load_demo(*, province, plan, rng, stdout=None) -> None:
    started = time.perf_counter()
    if PledgeTemplate.objects.filter(unit=province, year=YEAR).exists():
        return
    template = PledgeTemplate.objects.create(
        unit=province,
        plan=plan,
        year=YEAR,
        title=TITLE,
        topic=TOPIC,
        introduction=INTRODUCTION,
    )
    PledgeSection.objects.bulk_create(
        PledgeSection(
            template=template, code=code, title=title, guidance=guidance, min_items=n, position=i
        )
        for i, (code, title, guidance, n) in enumerate(SECTIONS, start=1)
    )
    skip = set(
        Member.objects.filter(user__username=DEMO_MEMBER_USERNAME).values_list("pk", flat=True)
    )
    rows = (
        Member.objects.filter(unit__path__startswith=province.path, status=MemberStatus.ACTIVE)
        .order_by("unit__path", "sort_key", "id")
        .values_list(
            "pk",
            "unit_id",
            "unit__name",
            "full_name",
            "date_of_birth",
            "job_title",
            "union_position",
        )
    )
    adapt = connection.ops.adapt_datetimefield_value
    now = adapt(timezone.now())
    share_by_unit: dict[int, float] = {}
    pledge_rows: list[tuple] = []
    evaluations: dict[int, tuple] = {}  # member id -> evaluation values after the pledge id
    written = 0
    start_day = datetime.date(2024, 3, 4)
    for pk, unit_id, unit_name, name, born, job, union_position in rows.iterator(chunk_size=5000):
        share = share_by_unit.get(unit_id)
        if share is None:
            # most unions collect 75–97 %, some lag behind
            share = rng.uniform(0.75, 0.97) if rng.random() < 0.8 else rng.uniform(0.4, 0.75)
            share_by_unit[unit_id] = share
        if pk in skip or rng.random() >= share:
            continue
        status = _pick(rng, STATUS_SPREAD)
        commitments = {}
        for code, _title, _guidance, least in SECTIONS:
            if code == "neu-guong" and not union_position:
                continue
            pool = POOLS[code]
            commitments[code] = rng.sample(pool, min(len(pool), max(least, rng.randint(1, 3))))
        actions = rng.sample(ACTIONS, rng.randint(3, 5))
        submitted = start_day + datetime.timedelta(days=rng.randrange(60))
        reviewed = submitted + datetime.timedelta(days=rng.randint(1, 10))
        pledge_rows.append(
            (
                pk,
                template.pk,
                YEAR,
                status,
                PledgeSource.PAPER if rng.random() < 0.3 else PledgeSource.ONLINE,
                1,
                True,
                name,
                born.year if born else None,
                job,
                unit_name,
                "",
                json.dumps(commitments, ensure_ascii=False),
                json.dumps(actions, ensure_ascii=False),
                "excellent" if rng.random() < 0.35 else "good",
                None if status == PledgeStatus.DRAFT else adapt(_at(submitted)),
                adapt(_at(reviewed))
                if status in (PledgeStatus.ACCEPTED, PledgeStatus.RETURNED)
                else None,
                rng.choice(RETURN_COMMENTS) if status == PledgeStatus.RETURNED else "",
                now,
                now,
            )
        )
        if status == PledgeStatus.ACCEPTED and rng.random() < RATED:
            evaluations[pk] = _evaluation(rng, commitments, actions, adapt)
        if len(pledge_rows) >= BATCH:
            _insert(Pledge, PLEDGE_COLUMNS, pledge_rows)
            written += len(pledge_rows)
            pledge_rows = []
    _insert(Pledge, PLEDGE_COLUMNS, pledge_rows)
    written += len(pledge_rows)
    ids = dict(Pledge.objects.filter(template=template).values_list("member_id", "pk"))
    values = [(ids[member], *rest) for member, rest in evaluations.items()]
    for begin in range(0, len(values), BATCH):
        _insert(Evaluation, EVALUATION_COLUMNS, values[begin : begin + BATCH])
    tallies.rebuild()  # the rows went in by raw SQL: count them once
    if stdout is not None:
        stdout.write(
            f"  pledges: {written:,} pledges for {YEAR}, {len(values):,} rated, "
            f"{time.perf_counter() - started:.1f} s\n"
        )


def _evaluation(rng, commitments, actions, adapt) -> tuple:
    """A rated evaluation (the values after the pledge id, in EVALUATION_COLUMNS order)."""
    final = _pick(rng, RATING_SPREAD)
    proposed = final if rng.random() < 0.7 else ("good" if final != "good" else "excellent")
    results = {}
    for code, items in commitments.items():
        for index in range(len(items)):
            results[f"{code}:{index}"] = {"result": _pick(rng, RESULTS)}
    for index in range(len(actions)):
        results[f"action:{index}"] = {"result": _pick(rng, RESULTS)}
    day = datetime.date(2024, 12, 2) + datetime.timedelta(days=rng.randrange(18))
    return (
        json.dumps(results),
        "",
        proposed,
        adapt(_at(day, 8)),
        final,
        final == "excellent" and rng.random() < 0.4,
        "",
        adapt(_at(day + datetime.timedelta(days=5), 15)),
    )
