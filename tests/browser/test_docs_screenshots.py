"""The user guides' screenshots (docs/guide/), taken on the Đắk Lắk demo so they never go stale.

Each persona logs in as a person would and visits the pages its guide shows; every page is
checked (HTTP 200, its heading) before its picture is taken. With DOCS_SCREENSHOTS_DIR set
(`make docs` sets docs/img/screens) the PNGs land there for the documentation site; without it
(`make test`) they go to pytest's tmp_path, so the walk still runs and fails when a page a guide
describes breaks or loses its heading. tests/test_docs.py checks that the guides reference only
the names in SCREENSHOTS, and this test checks it took every one of them.
"""

import os
import re
from base64 import b32decode
from pathlib import Path

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from chuyende.contests.models import Contest, Round
from chuyende.demo.builder import CITY_CODE, GRASSROOTS_CODE, PROVINCE_CODE, build_demo
from chuyende.demo.plan import SEED_PLAN
from chuyende.honors.choices import PENDING
from chuyende.honors.models import AwardDecision, Nomination
from chuyende.inspections.models import Inspection, InspectionPlan
from chuyende.org.models import Member, Unit
from chuyende.outreach.models import OutreachPost
from chuyende.plans.models import Assignment, Plan
from chuyende.pledges.models import PledgeTemplate
from chuyende.reports.models import Report, ReportForm
from chuyende.study.models import StudySession
from tests.browser.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}

# Every screenshot the guides may show: file name (under docs/img/screens/) -> what it shows.
SCREENSHOTS = {
    # docs/guide/index.md: signing in, the menu, two-factor sign-in, phones
    "dang-nhap.png": "Trang đăng nhập, trên điện thoại",
    "tong-quan.png": "Trang Tổng quan của LĐLĐ tỉnh, menu Kế hoạch và hoạt động đang mở",
    "menu-dien-thoai.png": "Menu trên điện thoại (nút ba gạch), đoàn viên đã đăng nhập",
    "bao-mat-tai-khoan.png": "Trang Bảo mật tài khoản",
    "thiet-lap-hai-buoc.png": "Thiết lập xác thực hai bước: mã QR và khóa",
    "ma-khoi-phuc.png": "Mã khôi phục, hiện một lần",
    "ma-dang-nhap.png": "Nhập mã đăng nhập sau mật khẩu, trên điện thoại",
    # docs/guide/tinh.md: the provincial federation
    "tinh-tai-len-ke-hoach.png": "Tải lên văn bản kế hoạch",
    "tinh-kiem-tra-ke-hoach.png": "Kiểm tra nội dung đọc được từ văn bản kế hoạch",
    "tinh-ke-hoach.png": "Kế hoạch 26/KH-LĐLĐ: nhiệm vụ và tiến độ",
    "tinh-giao-nhiem-vu.png": "Giao nhiệm vụ II.3 cho các đơn vị",
    "tinh-bang-theo-doi.png": "Bảng theo dõi của kế hoạch",
    "tinh-theo-doi-nhiem-vu.png": "Một nhiệm vụ theo từng đơn vị",
    "tinh-mau-cam-ket.png": "Mẫu bản cam kết năm 2024",
    "tinh-bao-cao.png": "Trang Báo cáo",
    "tinh-tinh-hinh-nop.png": "Tình hình nộp báo cáo 6 tháng",
    "tinh-duyet-bao-cao.png": "Duyệt báo cáo của một đơn vị",
    "tinh-so-lieu-don-vi.png": "Số liệu theo đơn vị: báo cáo bên cạnh dữ liệu",
    "tinh-bang-so-lieu.png": "Bảng số liệu tổng quan",
    "tinh-cuoc-thi.png": "Quản lý cuộc thi trực tuyến",
    "tinh-ket-qua-dot-thi.png": "Kết quả một đợt thi",
    "tinh-de-xuat-khen-thuong.png": "Danh sách đề xuất biểu dương, khen thưởng",
    "tinh-xu-ly-de-xuat.png": "Một đề xuất đang chờ LĐLĐ tỉnh xử lý",
    "tinh-quyet-dinh.png": "Quyết định khen thưởng",
    "tinh-ke-hoach-kiem-tra.png": "Kế hoạch kiểm tra",
    "tinh-cuoc-kiem-tra.png": "Một cuộc kiểm tra: kết quả và kiến nghị",
    "tinh-nhap-du-lieu.png": "Nhập đơn vị và đoàn viên từ bảng tính",
    "tinh-doan-vien.png": "Danh sách đoàn viên, nút Xuất danh sách",
    "tinh-can-bo.png": "Cán bộ và phân quyền của một đơn vị",
    # docs/guide/captren.md: the upper-level union
    "captren-nhiem-vu.png": "Nhiệm vụ đang chờ đơn vị",
    "captren-giao-xuong.png": "Một nhiệm vụ được giao: tiến độ, minh chứng, giao cho cấp dưới",
    "captren-don-vi.png": "Trang đơn vị LĐLĐ TP. Buôn Ma Thuột",
    "captren-hoc-tap-theo-don-vi.png": "Kết quả học tập theo đơn vị",
    "captren-duyet-tin-bai.png": "Duyệt một tin bài của công đoàn cơ sở",
    "captren-xu-ly-de-xuat.png": "Một đề xuất khen thưởng gửi lên cấp trên",
    "captren-bao-cao.png": "Báo cáo 6 tháng đang soạn: số liệu và nội dung",
    # docs/guide/coso.md: the grassroots union
    "coso-doan-vien.png": "Danh sách đoàn viên của công đoàn cơ sở",
    "coso-them-doan-vien.png": "Thêm đoàn viên",
    "coso-nhiem-vu.png": "Nhiệm vụ được giao cho công đoàn cơ sở",
    "coso-buoi-hoc-tap-moi.png": "Thêm buổi học tập",
    "coso-buoi-hoc-tap.png": "Một buổi học tập: kết quả tham dự, mã điểm danh",
    "coso-diem-danh.png": "Điểm danh theo danh sách",
    "coso-nhap-tin-bai.png": "Nhập tin bài tuyên truyền",
    "coso-ban-cam-ket.png": "Bản cam kết của đoàn viên: duyệt",
    "coso-xep-loai.png": "Xếp loại cuối năm",
    "coso-de-xuat-moi.png": "Đề xuất biểu dương, khen thưởng mới",
    "coso-kien-nghi.png": "Kiến nghị sau kiểm tra: đơn vị trả lời",
    "coso-su-dong-y.png": "Sự đồng ý của đoàn viên",
    # docs/guide/doanvien.md: the member, on a phone
    "doanvien-thong-bao.png": "Thông báo xử lý dữ liệu cá nhân, lần đầu đăng nhập",
    "doanvien-ban-cam-ket.png": "Viết bản cam kết",
    "doanvien-cuoc-thi.png": "Trang cuộc thi",
    "doanvien-bang-xep-hang.png": "Bảng xếp hạng một đợt thi",
    "doanvien-diem-danh.png": "Điểm danh buổi học tập bằng mã",
    "doanvien-du-lieu.png": "Dữ liệu cá nhân của tôi",
    "doanvien-yeu-cau-sua.png": "Yêu cầu chỉnh sửa thông tin",
}


def screenshots_dir(tmp_path: Path) -> Path:
    """DOCS_SCREENSHOTS_DIR when set (relative paths from the repository root), else tmp_path."""
    chosen = os.environ.get("DOCS_SCREENSHOTS_DIR")
    if not chosen:
        return tmp_path
    path = Path(chosen)
    if not path.is_absolute():
        path = Path(__file__).resolve().parents[2] / path
    path.mkdir(parents=True, exist_ok=True)
    return path


class Camera:
    """Visits a page, checks it, saves its picture under a name declared in SCREENSHOTS."""

    def __init__(self, page, base: str, folder: Path):
        self.page, self.base, self.folder = page, base, folder
        self.taken: list[str] = []

    def shoot(self, name, path=None, *, heading, size=DESKTOP, focus=None, prepare=None):
        assert name in SCREENSHOTS, f"{name} is not declared in SCREENSHOTS"
        assert name not in self.taken, f"{name} taken twice"
        page = self.page
        page.set_viewport_size(size)
        if path is not None:
            response = page.goto(self.base + path)
            assert response is not None and response.status == 200, (path, response)
        expect(page.locator("h1").first).to_contain_text(heading)
        if prepare is not None:
            prepare(page)
        if focus is not None:
            page.locator(focus).first.scroll_into_view_if_needed()
        page.screenshot(path=str(self.folder / name))
        assert (self.folder / name).stat().st_size > 0
        self.taken.append(name)


def _open_phone_menu(page):
    page.locator(".navbar-toggler").click()
    expect(page.locator("#nav-main")).to_have_class(re.compile(r"\bshow\b"))


def _open_work_menu(page):
    page.locator("#nav-work").click()
    expect(page.locator('[aria-labelledby="nav-work"]')).to_be_visible()


def _code(secret: str) -> str:
    """The authenticator app's current code for the secret shown on the enrolment page."""
    return f"{totp(b32decode(secret.replace(' ', ''))):06d}"


def test_the_guides_pages_as_each_persona(page, live_server, settings, tmp_path):
    build_demo(scale=0.02)
    province = Unit.objects.get(code=PROVINCE_CODE)
    city = Unit.objects.get(code=CITY_CODE)
    school = Unit.objects.get(code=GRASSROOTS_CODE)
    plan = Plan.objects.get()
    spread = plan.tasks.get(ref="II.3")
    semester = ReportForm.objects.filter(plan=plan, reporting_kind="upper", period_kind="semester")
    semester = semester.get()
    submitted = (
        Report.objects.filter(form__recipient=province, status="submitted").order_by("pk").first()
    )
    city_report = Report.objects.filter(unit=city).order_by("period__start").first()
    at_province = Nomination.objects.filter(holder=province, status__in=PENDING).order_by("pk")[0]
    at_city = Nomination.objects.filter(holder=city, status__in=PENDING).order_by("pk")[0]
    decision = AwardDecision.objects.filter(unit=province).order_by("pk")[0]
    inspection_plan = InspectionPlan.objects.get()
    city_inspection = Inspection.objects.get(unit=city)
    school_inspection = Inspection.objects.get(unit=school)
    waiting_post = (
        OutreachPost.objects.filter(unit__path__startswith=city.path, status="submitted")
        .exclude(unit=city)
        .order_by("pk")[0]
    )
    contest = Contest.objects.get()
    last_round = Round.objects.filter(contest=contest).order_by("-number")[0]
    session = StudySession.objects.filter(unit=school).order_by("pk")[0]
    template = PledgeTemplate.objects.get()
    assert submitted is not None and city_report is not None

    base = live_server.url
    camera = Camera(page, base, screenshots_dir(tmp_path))
    shoot = camera.shoot

    # --- Signing in, the menu ------------------------------------------------------------------
    page.set_viewport_size(PHONE)
    shoot("dang-nhap.png", "/accounts/login/", heading="Đăng nhập", size=PHONE)

    # --- The provincial federation (tinh) ------------------------------------------------------
    page.set_viewport_size(DESKTOP)
    login(page, base, "tinh")
    shoot("tong-quan.png", "/", heading="Tổng quan", prepare=_open_work_menu)
    shoot("tinh-tai-len-ke-hoach.png", "/plans/import/", heading="Tải lên văn bản kế hoạch")
    page.get_by_label(re.compile("Văn bản kế hoạch")).set_input_files(SEED_PLAN)
    page.get_by_role("button", name="Đọc văn bản").click()
    expect(page.get_by_label("Số, ký hiệu", exact=True)).to_have_value("26/KH-LĐLĐ")
    shoot("tinh-kiem-tra-ke-hoach.png", heading="Kiểm tra nội dung đọc được")
    shoot("tinh-ke-hoach.png", f"/plans/{plan.pk}/", heading="26/KH-LĐLĐ")
    shoot("tinh-giao-nhiem-vu.png", f"/tasks/{spread.pk}/assign/", heading="Giao nhiệm vụ II.3")
    shoot("tinh-bang-theo-doi.png", f"/plans/{plan.pk}/board/", heading="Bảng theo dõi")
    shoot("tinh-theo-doi-nhiem-vu.png", f"/tasks/{spread.pk}/drill/", heading="II.3")
    shoot("tinh-mau-cam-ket.png", f"/pledges/templates/{template.pk}/", heading=template.title)
    shoot("tinh-bao-cao.png", "/reports/", heading="Báo cáo")
    shoot(
        "tinh-tinh-hinh-nop.png",
        f"/reports/forms/{semester.pk}/2024S2/",
        heading="6 tháng cuối năm 2024",
    )
    shoot(
        "tinh-duyet-bao-cao.png",
        f"/reports/{submitted.pk}/review/",
        heading=submitted.unit.name,
    )
    shoot(
        "tinh-so-lieu-don-vi.png",
        f"/reports/forms/{semester.pk}/2024S2/figures/",
        heading="6 tháng cuối năm 2024",
    )
    shoot("tinh-bang-so-lieu.png", "/reports/dashboard/", heading="Bảng số liệu tổng quan")
    shoot("tinh-cuoc-thi.png", f"/contests/{contest.pk}/", heading=contest.title[:40])
    shoot(
        "tinh-ket-qua-dot-thi.png", f"/contests/rounds/{last_round.pk}/results/", heading="Kết quả"
    )
    shoot("tinh-de-xuat-khen-thuong.png", "/honors/", heading="Đề xuất biểu dương")
    shoot("tinh-xu-ly-de-xuat.png", f"/honors/{at_province.pk}/", heading=at_province.nominee_name)
    shoot("tinh-quyet-dinh.png", f"/honors/decisions/{decision.pk}/", heading=decision.number)
    shoot(
        "tinh-ke-hoach-kiem-tra.png",
        f"/inspections/plans/{inspection_plan.pk}/",
        heading=inspection_plan.title,
    )
    shoot(
        "tinh-cuoc-kiem-tra.png",
        f"/inspections/{city_inspection.pk}/",
        heading=city.name,
        focus="#recommendations",
    )
    shoot("tinh-nhap-du-lieu.png", "/imports/", heading="Nhập đơn vị và đoàn viên")
    shoot("tinh-doan-vien.png", "/members/", heading="Đoàn viên")
    shoot("tinh-can-bo.png", f"/units/{city.pk}/officers/", heading="Cán bộ và phân quyền")

    # Two-factor sign-in, set up by the provincial officer, then used at the next sign-in.
    shoot("bao-mat-tai-khoan.png", "/accounts/security/", heading="Bảo mật tài khoản")
    shoot(
        "thiet-lap-hai-buoc.png",
        "/accounts/security/two-factor/",
        heading="Thiết lập xác thực hai bước",
    )
    secret = page.locator("#totp-secret").inner_text()
    page.locator("#id_code").fill(_code(secret))
    page.get_by_role("button", name="Bật").click()
    shoot("ma-khoi-phuc.png", heading="Mã khôi phục")
    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_username").fill("tinh")
    page.locator("#id_password").fill("demo")
    page.locator("#id_password").press("Enter")
    shoot("ma-dang-nhap.png", heading="Mã đăng nhập", size=PHONE)

    # --- The upper-level union (captren) -------------------------------------------------------
    page.set_viewport_size(DESKTOP)
    login(page, base, "captren")
    shoot("captren-nhiem-vu.png", "/plans/", heading="Kế hoạch")
    city_spread = Assignment.objects.get(task=spread, unit=city)
    shoot(
        "captren-giao-xuong.png",
        f"/assignments/{city_spread.pk}/",
        heading="II.3",
        focus="form:has(button:has-text('Giao cho cấp dưới'))",
    )
    shoot("captren-don-vi.png", f"/units/{city.pk}/", heading=city.name)
    shoot("captren-hoc-tap-theo-don-vi.png", "/study/rollup/", heading="Kết quả tham dự")
    shoot("captren-duyet-tin-bai.png", f"/outreach/{waiting_post.pk}/", heading=waiting_post.title)
    shoot("captren-xu-ly-de-xuat.png", f"/honors/{at_city.pk}/", heading=at_city.nominee_name)
    shoot("captren-bao-cao.png", f"/reports/{city_report.pk}/", heading="Báo cáo 6 tháng")

    # --- The grassroots union (coso) -----------------------------------------------------------
    login(page, base, "coso")
    shoot("coso-doan-vien.png", "/members/", heading="Đoàn viên")
    shoot("coso-them-doan-vien.png", "/members/new/", heading="Thêm đoàn viên")
    school_spread = Assignment.objects.get(task=spread, unit=school)
    shoot("coso-nhiem-vu.png", f"/assignments/{school_spread.pk}/", heading="II.3")
    shoot("coso-buoi-hoc-tap-moi.png", "/study/new/", heading="Buổi học tập mới")
    shoot("coso-buoi-hoc-tap.png", f"/study/{session.pk}/", heading=session.title)
    shoot(
        "coso-diem-danh.png",
        f"/study/{session.pk}/register/",
        heading="Đánh dấu những người có mặt",
    )
    shoot("coso-nhap-tin-bai.png", "/outreach/new/", heading="Nhập tin bài")
    shoot("coso-ban-cam-ket.png", "/pledges/", heading="Bản cam kết")
    shoot("coso-xep-loai.png", "/pledges/rating/", heading="Xếp loại cuối năm")
    shoot("coso-de-xuat-moi.png", "/honors/new/", heading="Đề xuất mới")
    shoot(
        "coso-kien-nghi.png",
        f"/inspections/{school_inspection.pk}/",
        heading=school.name,
        focus="button:has-text('Gửi trả lời')",
    )
    shoot("coso-su-dong-y.png", "/privacy/members/", heading="Sự đồng ý của đoàn viên")

    # --- The member, on a phone, with the privacy notice in front as in production -------------
    settings.PRIVACY_CONSENT_GATE = True
    member = Member.objects.get(user__username="doanvien")
    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_username").fill("doanvien")
    page.locator("#id_password").fill("demo")
    page.locator("#id_password").press("Enter")
    expect(page).to_have_url(re.compile(r"/privacy/consent/"))
    shoot("doanvien-thong-bao.png", heading="Dữ liệu cá nhân của bạn", size=PHONE)
    page.locator("#id_agree").check()
    page.get_by_role("button", name="Tôi đồng ý, tiếp tục").click()
    expect(page).to_have_url(f"{base}/")
    assert member.consents.exists()
    shoot("menu-dien-thoai.png", "/", heading="Tổng quan", size=PHONE, prepare=_open_phone_menu)
    shoot("doanvien-ban-cam-ket.png", "/pledges/mine/", heading="Bản cam kết của tôi", size=PHONE)
    shoot("doanvien-cuoc-thi.png", f"/thi/{contest.pk}/", heading=contest.title[:40], size=PHONE)
    shoot(
        "doanvien-bang-xep-hang.png",
        f"/thi/{contest.pk}/rounds/{last_round.pk}/leaderboard/",
        heading="Bảng xếp hạng",
        size=PHONE,
    )
    shoot("doanvien-diem-danh.png", "/study/c/", heading="Điểm danh buổi học tập", size=PHONE)
    shoot("doanvien-du-lieu.png", "/privacy/my-data/", heading="Dữ liệu cá nhân", size=PHONE)
    shoot(
        "doanvien-yeu-cau-sua.png",
        "/privacy/corrections/new/",
        heading="Yêu cầu chỉnh sửa",
        size=PHONE,
    )

    assert sorted(camera.taken) == sorted(SCREENSHOTS)
