"""The national data set: the whole country around the Đắk Lắk demo, for measuring the platform
at the size of the Vietnam General Confederation of Labour (issue 10).

`build_national()` first makes sure the Đắk Lắk demo is loaded (`build_demo`), then adds under
the same Confederation the 62 other provincial federations of 2024 and 20 national sector unions
(kind `province`, sub-kind `sector`), about 700 upper-level unions, about 130,000 grassroots
unions (some with union sections), 11 million members, and a year (2024) of records at realistic
rates: the Confederation's plan handed down the whole tree, study sessions and attendance,
outreach posts, pledges for ~80 % of the members with year-end evaluations, a national online
contest entered by ~20 % of the members (with its per-unit tallies), nominations with award
decisions, and the provinces' reports to the Confederation for each period of its report forms.

It is written for PostgreSQL only, with COPY, streaming: the tree (a few hundred thousand units)
is planned in memory; members and the records that hang on them are generated one chunk of
grassroots unions at a time (about CHUNK_MEMBERS members), written with COPY and committed, so
the build never holds 11 million rows in memory nor in one transaction. Row ids are reserved
from each table's sequence (nextval + setval) so that child rows reference their parents without
reading anything back. The secondary indexes and foreign keys of the big tables are dropped for
the load and recreated exactly as they were (their definitions are read from the catalogue and
kept in a file under VAR_DIR until they are back, so an interrupted build restores them on the
next run); PostgreSQL validates every foreign key and unique index when they come back.

Every derived column is computed as the models compute it: Unit and Member search and sort
columns (chuyende.core.text), treebeard paths, depths and child counts, session expected counts,
attempt scores and best flags, contest tallies, nomination search text, report figures (counted
by the reports' own indicator queries); the member and unit tallies are recounted
(`chuyende.org.tallies.rebuild`) and, with `settings.FIGURES_STORED`, the stored report figures
refreshed (`chuyende.reports.figures.refresh_all`). Deterministic for a given seed and fraction.

Measured on the 2-core, 24 GiB machine (PostgreSQL 15, `nice -n 10`, tests running alongside):
the full set in 55 min — the Đắk Lắk demo 2 min, the national rows 30 min (members and their
records 14.7 min, indexes and keys 8 min, report figures of the provinces 5.4 min), the stored
report figures 23 min; 40.7 GiB.
"""

import base64
import bisect
import datetime
import json
import math
import os
import random
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import NOT_PROVIDED, SET_NULL, Count, F

from chuyende.contests import scoring
from chuyende.contests.demo_questions import DAKLAK, QUESTIONS, as_fields
from chuyende.contests.exports import DEFAULT_RULES
from chuyende.contests.models import Attempt, Contest, Participant, Question, Round, UnitTally
from chuyende.core.text import fold, name_sort_key, sort_key
from chuyende.honors.choices import AwardKind, NominationStatus, NomineeKind, StepAction
from chuyende.honors.demo import STORIES
from chuyende.honors.models import Award, AwardDecision, Nomination, NominationStep
from chuyende.org import tallies
from chuyende.org.choices import MemberStatus, UnionPosition, UnitKind, UnitSubKind
from chuyende.org.models import Member, Unit
from chuyende.outreach import demo as outreach_demo
from chuyende.outreach.choices import Channel, PostStatus
from chuyende.outreach.models import OutreachPost, UnitWebsite
from chuyende.plans import services as plan_services
from chuyende.plans import tallies as assignment_tallies
from chuyende.plans.choices import AssignmentStatus
from chuyende.plans.models import Assignment, Occasion, Plan
from chuyende.pledges import demo as pledges_demo
from chuyende.pledges import tallies as pledge_tallies
from chuyende.pledges.choices import PledgeStatus
from chuyende.pledges.models import Evaluation, Pledge, PledgeSection, PledgeTemplate
from chuyende.reports.models import Report, ReportingPeriod
from chuyende.study import counts as study_counts
from chuyende.study.models import CODE_ALPHABET, CODE_LENGTH, Attendance, StudySession

from . import names
from .builder import (
    CATEGORIES,
    PHONE_PREFIXES,
    ROOT_CODE,
    Category,
    _say,
    build_demo,
    refresh_statistics,
)
from .places import DEPARTMENTS, DISTRICT_AGENCIES

SEED = 2025
YEAR = 2024
REFERENCE_DATE = datetime.date(2024, 6, 30)
TOTAL_MEMBERS = 11_000_000  # the Confederation, Đắk Lắk included
TOTAL_GRASSROOTS = 130_000
UPPER_TARGET = 700
CHUNK_MEMBERS = 100_000  # members generated, written and committed together
ID_BLOCK = 200_000  # ids reserved from a sequence at a time
MIN_MEMBERS = 8

PLAN_NUMBER = "35/KH-TLĐ"
CONTEST_TITLE = (
    "Cuộc thi trực tuyến tìm hiểu Chuyên đề năm 2024 và 95 năm Ngày thành lập Công đoàn Việt Nam"
)


class NationalScaleError(ValueError):
    """The national data set cannot be built here (not PostgreSQL, half built, bad fraction)."""


# --- The country ---------------------------------------------------------------------------------

# The 62 provinces and cities besides Đắk Lắk, as they stood in 2024 (before the 2025 merger):
# (code, level, name, first upper-level union's place, citizen-ID code, region, members in
# thousands, district-level units, has industrial zones).
PROVINCES = (
    ("HNI", "thành phố", "Hà Nội", "quận Hoàn Kiếm", "001", "delta", 1050, 30, True),
    ("HGI", "tỉnh", "Hà Giang", "thành phố Hà Giang", "002", "mountain", 42, 11, False),
    ("CBG", "tỉnh", "Cao Bằng", "thành phố Cao Bằng", "004", "mountain", 38, 10, False),
    ("BKN", "tỉnh", "Bắc Kạn", "thành phố Bắc Kạn", "006", "mountain", 26, 8, False),
    ("TQG", "tỉnh", "Tuyên Quang", "thành phố Tuyên Quang", "008", "mountain", 60, 7, False),
    ("LCI", "tỉnh", "Lào Cai", "thành phố Lào Cai", "010", "mountain", 62, 9, False),
    ("DBN", "tỉnh", "Điện Biên", "thành phố Điện Biên Phủ", "011", "mountain", 38, 10, False),
    ("LCU", "tỉnh", "Lai Châu", "thành phố Lai Châu", "012", "mountain", 28, 8, False),
    ("SLA", "tỉnh", "Sơn La", "thành phố Sơn La", "014", "mountain", 68, 12, False),
    ("YBI", "tỉnh", "Yên Bái", "thành phố Yên Bái", "015", "mountain", 55, 9, False),
    ("HBH", "tỉnh", "Hòa Bình", "thành phố Hòa Bình", "017", "mountain", 62, 10, False),
    ("TNN", "tỉnh", "Thái Nguyên", "thành phố Thái Nguyên", "019", "midland", 175, 9, True),
    ("LSN", "tỉnh", "Lạng Sơn", "thành phố Lạng Sơn", "020", "mountain", 52, 11, False),
    ("QNH", "tỉnh", "Quảng Ninh", "thành phố Hạ Long", "022", "midland", 205, 13, True),
    ("BGG", "tỉnh", "Bắc Giang", "thành phố Bắc Giang", "024", "midland", 290, 10, True),
    ("PTO", "tỉnh", "Phú Thọ", "thành phố Việt Trì", "025", "midland", 150, 13, True),
    ("VPC", "tỉnh", "Vĩnh Phúc", "thành phố Vĩnh Yên", "026", "delta", 165, 9, True),
    ("BNH", "tỉnh", "Bắc Ninh", "thành phố Bắc Ninh", "027", "delta", 370, 8, True),
    ("HDG", "tỉnh", "Hải Dương", "thành phố Hải Dương", "030", "delta", 250, 12, True),
    ("HPG", "thành phố", "Hải Phòng", "quận Hồng Bàng", "031", "delta", 360, 15, True),
    ("HYN", "tỉnh", "Hưng Yên", "thành phố Hưng Yên", "033", "delta", 165, 10, True),
    ("TBH", "tỉnh", "Thái Bình", "thành phố Thái Bình", "034", "delta", 160, 8, True),
    ("HNM", "tỉnh", "Hà Nam", "thành phố Phủ Lý", "035", "delta", 115, 6, True),
    ("NDH", "tỉnh", "Nam Định", "thành phố Nam Định", "036", "delta", 180, 10, True),
    ("NBH", "tỉnh", "Ninh Bình", "thành phố Ninh Bình", "037", "delta", 120, 8, False),
    ("THA", "tỉnh", "Thanh Hóa", "thành phố Thanh Hóa", "038", "north_central", 320, 26, True),
    ("NAN", "tỉnh", "Nghệ An", "thành phố Vinh", "040", "north_central", 255, 21, True),
    ("HTH", "tỉnh", "Hà Tĩnh", "thành phố Hà Tĩnh", "042", "north_central", 95, 13, False),
    ("QBH", "tỉnh", "Quảng Bình", "thành phố Đồng Hới", "044", "north_central", 72, 8, False),
    ("QTI", "tỉnh", "Quảng Trị", "thành phố Đông Hà", "045", "north_central", 55, 10, False),
    ("TTH", "tỉnh", "Thừa Thiên Huế", "thành phố Huế", "046", "north_central", 110, 9, False),
    ("DNG", "thành phố", "Đà Nẵng", "quận Hải Châu", "048", "coast", 175, 8, True),
    ("QNM", "tỉnh", "Quảng Nam", "thành phố Tam Kỳ", "049", "coast", 175, 18, True),
    ("QNI", "tỉnh", "Quảng Ngãi", "thành phố Quảng Ngãi", "051", "coast", 115, 13, False),
    ("BDH", "tỉnh", "Bình Định", "thành phố Quy Nhơn", "052", "coast", 130, 11, False),
    ("PYN", "tỉnh", "Phú Yên", "thành phố Tuy Hòa", "054", "coast", 62, 9, False),
    ("KHA", "tỉnh", "Khánh Hòa", "thành phố Nha Trang", "056", "coast", 120, 9, False),
    (
        "NTN",
        "tỉnh",
        "Ninh Thuận",
        "thành phố Phan Rang - Tháp Chàm",
        "058",
        "coast",
        42,
        7,
        False,
    ),
    ("BTN", "tỉnh", "Bình Thuận", "thành phố Phan Thiết", "060", "coast", 95, 10, False),
    ("KTM", "tỉnh", "Kon Tum", "thành phố Kon Tum", "062", "highlands", 38, 10, False),
    ("GLI", "tỉnh", "Gia Lai", "thành phố Pleiku", "064", "highlands", 92, 17, False),
    ("DKN", "tỉnh", "Đắk Nông", "thành phố Gia Nghĩa", "067", "highlands", 38, 8, False),
    ("LDG", "tỉnh", "Lâm Đồng", "thành phố Đà Lạt", "068", "highlands", 100, 12, False),
    ("BPC", "tỉnh", "Bình Phước", "thành phố Đồng Xoài", "070", "southeast", 125, 11, True),
    ("TNH", "tỉnh", "Tây Ninh", "thành phố Tây Ninh", "072", "southeast", 175, 9, True),
    ("BDG", "tỉnh", "Bình Dương", "thành phố Thủ Dầu Một", "074", "southeast", 880, 9, True),
    ("DNI", "tỉnh", "Đồng Nai", "thành phố Biên Hòa", "075", "southeast", 690, 11, True),
    ("BRV", "tỉnh", "Bà Rịa - Vũng Tàu", "thành phố Bà Rịa", "077", "southeast", 150, 8, True),
    ("HCM", "thành phố", "Hồ Chí Minh", "Quận 1", "079", "southeast", 1450, 22, True),
    ("LAN", "tỉnh", "Long An", "thành phố Tân An", "080", "mekong", 320, 15, True),
    ("TGG", "tỉnh", "Tiền Giang", "thành phố Mỹ Tho", "082", "mekong", 175, 11, True),
    ("BTE", "tỉnh", "Bến Tre", "thành phố Bến Tre", "083", "mekong", 98, 9, False),
    ("TVH", "tỉnh", "Trà Vinh", "thành phố Trà Vinh", "084", "mekong_khmer", 72, 9, False),
    ("VLG", "tỉnh", "Vĩnh Long", "thành phố Vĩnh Long", "086", "mekong", 80, 8, False),
    ("DTP", "tỉnh", "Đồng Tháp", "thành phố Cao Lãnh", "087", "mekong", 110, 12, False),
    ("AGG", "tỉnh", "An Giang", "thành phố Long Xuyên", "089", "mekong", 120, 11, False),
    ("KGG", "tỉnh", "Kiên Giang", "thành phố Rạch Giá", "091", "mekong", 110, 15, False),
    ("CTO", "thành phố", "Cần Thơ", "quận Ninh Kiều", "092", "mekong", 140, 9, True),
    ("HGG", "tỉnh", "Hậu Giang", "thành phố Vị Thanh", "093", "mekong", 62, 8, False),
    ("STG", "tỉnh", "Sóc Trăng", "thành phố Sóc Trăng", "094", "mekong_khmer", 82, 11, False),
    ("BLU", "tỉnh", "Bạc Liêu", "thành phố Bạc Liêu", "095", "mekong", 52, 7, False),
    ("CMU", "tỉnh", "Cà Mau", "thành phố Cà Mau", "096", "mekong", 72, 9, False),
)

# National sector unions (công đoàn ngành trung ương và tương đương), directly under the
# Confederation: (code, name, short name, members in thousands, category of the grassroots
# unions directly under it, corporations with their own upper-level union).
SECTOR_UNIONS = (
    ("VC", "Công đoàn Viên chức Việt Nam", "CĐ Viên chức VN", 110, "central_agency", ()),
    ("GD", "Công đoàn Giáo dục Việt Nam", "CĐ Giáo dục VN", 70, "university", ()),
    ("YT", "Công đoàn Y tế Việt Nam", "CĐ Y tế VN", 90, "central_hospital", ()),
    (
        "CT",
        "Công đoàn Công Thương Việt Nam",
        "CĐ Công Thương VN",
        120,
        "state_company",
        ("Tổng công ty Thép Việt Nam", "Tổng công ty Thuốc lá Việt Nam"),
    ),
    (
        "XD",
        "Công đoàn Xây dựng Việt Nam",
        "CĐ Xây dựng VN",
        90,
        "state_company",
        ("Tổng công ty Sông Đà", "Tổng công ty Xây dựng Hà Nội", "Tổng công ty Licogi"),
    ),
    (
        "GT",
        "Công đoàn Giao thông Vận tải Việt Nam",
        "CĐ GTVT VN",
        90,
        "state_company",
        (
            "Tổng công ty Xây dựng công trình giao thông 1",
            "Tổng công ty Xây dựng công trình giao thông 4",
        ),
    ),
    (
        "NN",
        "Công đoàn Nông nghiệp và Phát triển nông thôn Việt Nam",
        "CĐ NN và PTNT VN",
        60,
        "state_company",
        ("Tổng công ty Lương thực miền Bắc", "Tổng công ty Lương thực miền Nam"),
    ),
    (
        "NH",
        "Công đoàn Ngân hàng Việt Nam",
        "CĐ Ngân hàng VN",
        150,
        "bank_branch",
        (
            "Ngân hàng Nông nghiệp và Phát triển nông thôn Việt Nam",
            "Ngân hàng TMCP Công thương Việt Nam",
            "Ngân hàng TMCP Đầu tư và Phát triển Việt Nam",
            "Ngân hàng TMCP Ngoại thương Việt Nam",
        ),
    ),
    (
        "QP",
        "Công đoàn Quốc phòng",
        "CĐ Quốc phòng",
        140,
        "military_factory",
        ("Tổng công ty Thành An", "Tổng công ty 319", "Tổng công ty Đông Bắc", "Tổng công ty 36"),
    ),
    ("CA", "Công đoàn Công an nhân dân", "CĐ CAND", 40, "central_agency", ()),
    (
        "DL",
        "Công đoàn Điện lực Việt Nam",
        "CĐ Điện lực VN",
        100,
        "state_company",
        (
            "Tổng công ty Điện lực miền Bắc",
            "Tổng công ty Điện lực miền Trung",
            "Tổng công ty Điện lực miền Nam",
            "Tổng công ty Điện lực TP. Hà Nội",
            "Tổng công ty Điện lực TP. Hồ Chí Minh",
            "Tổng công ty Truyền tải điện Quốc gia",
        ),
    ),
    (
        "DK",
        "Công đoàn Dầu khí Việt Nam",
        "CĐ Dầu khí VN",
        60,
        "state_company",
        (
            "Tổng công ty Khí Việt Nam",
            "Tổng công ty Dịch vụ Kỹ thuật Dầu khí Việt Nam",
            "Tổng công ty Dầu Việt Nam",
        ),
    ),
    (
        "TKV",
        "Công đoàn Than - Khoáng sản Việt Nam",
        "CĐ Than - Khoáng sản VN",
        100,
        "state_company",
        (
            "Tổng công ty Khoáng sản TKV",
            "Tổng công ty Công nghiệp mỏ Việt Bắc",
            "Tổng công ty Điện lực TKV",
        ),
    ),
    (
        "CS",
        "Công đoàn Cao su Việt Nam",
        "CĐ Cao su VN",
        80,
        "state_company",
        ("Tổng công ty Cao su Đồng Nai", "Tổng công ty Công nghiệp Cao su Việt Nam"),
    ),
    (
        "DM",
        "Công đoàn Dệt May Việt Nam",
        "CĐ Dệt May VN",
        90,
        "fdi_company",
        ("Tổng công ty May 10", "Tổng công ty Việt Tiến", "Tổng công ty Dệt May Hà Nội"),
    ),
    (
        "BD",
        "Công đoàn Bưu điện Việt Nam",
        "CĐ Bưu điện VN",
        45,
        "state_company",
        ("Tổng công ty Bưu điện Việt Nam",),
    ),
    (
        "TT",
        "Công đoàn Thông tin và Truyền thông Việt Nam",
        "CĐ TT và TT VN",
        40,
        "state_company",
        ("Tổng công ty Dịch vụ Viễn thông", "Tổng công ty Hạ tầng mạng"),
    ),
    ("DS", "Công đoàn Đường sắt Việt Nam", "CĐ Đường sắt VN", 25, "state_company", ()),
    (
        "HK",
        "Công đoàn Hàng không Việt Nam",
        "CĐ Hàng không VN",
        35,
        "state_company",
        (
            "Tổng công ty Hàng không Việt Nam",
            "Tổng công ty Cảng hàng không Việt Nam",
            "Tổng công ty Quản lý bay Việt Nam",
        ),
    ),
    (
        "HH",
        "Công đoàn Hàng hải Việt Nam",
        "CĐ Hàng hải VN",
        25,
        "state_company",
        ("Tổng công ty Hàng hải Việt Nam",),
    ),
)

# Ethnic mix of the members of each region (percent).
ETHNIC_MIX = {
    "mountain": {
        "Kinh": 45,
        "Tày": 13,
        "Thái": 14,
        "Mường": 8,
        "Nùng": 6,
        "Mông": 8,
        "Dao": 6,
    },
    "midland": {"Kinh": 86, "Tày": 5, "Nùng": 4, "Mường": 2, "Dao": 2, "Thái": 1},
    "delta": {"Kinh": 97.5, "Mường": 1, "Tày": 0.6, "Thái": 0.4, "Hoa": 0.3, "Nùng": 0.2},
    "north_central": {"Kinh": 93, "Thái": 3, "Mường": 3, "Mông": 0.5, "Tày": 0.5},
    "coast": {"Kinh": 95, "Chăm": 2, "Hoa": 1, "Ba Na": 1, "Xơ Đăng": 1},
    "highlands": {
        "Kinh": 70,
        "Gia Rai": 10,
        "Ba Na": 7,
        "Xơ Đăng": 4,
        "M'Nông": 3,
        "Ê Đê": 2,
        "Tày": 2,
        "Nùng": 2,
    },
    "southeast": {
        "Kinh": 93,
        "Hoa": 3,
        "Khmer": 1.5,
        "Tày": 0.5,
        "Nùng": 0.5,
        "Chăm": 0.3,
        "Mường": 0.6,
        "Thái": 0.6,
    },
    "mekong": {"Kinh": 90, "Khmer": 7, "Hoa": 2.5, "Chăm": 0.5},
    "mekong_khmer": {"Kinh": 67, "Khmer": 30, "Hoa": 3},
    # industrial zones draw workers from the whole country
    "industrial": {
        "Kinh": 89,
        "Tày": 2,
        "Nùng": 2,
        "Thái": 2,
        "Mường": 2,
        "Khmer": 1,
        "Hoa": 1,
        "Dao": 0.5,
        "Mông": 0.5,
    },
    "national": {
        "Kinh": 92,
        "Tày": 1.5,
        "Thái": 1.5,
        "Mường": 1.5,
        "Khmer": 1,
        "Hoa": 1,
        "Nùng": 1.5,
    },
}
KHMER_FAMILY = ("Thạch", "Danh", "Sơn", "Kim", "Lâm", "Chau", "Trịnh", "Lý", "Huỳnh", "Thị")
HOA_FAMILY = ("Lý", "Trần", "Quách", "Lâm", "Tăng", "Hứa", "La", "Mạch", "Giang", "Diệp", "Lưu")
CHAM_FAMILY = ("Đàng", "Quảng", "Thuận", "Lưu", "Thiên", "Châu", "Bá", "Tài", "Nguyễn")
RELIGIONS = {
    **names.RELIGIONS,
    "Khmer": {"Phật giáo": 88},
    "Hoa": {"Phật giáo": 22, "Công giáo": 4},
    "Chăm": {"Hồi giáo": 34, "Bà-la-môn": 40},
    "Ba Na": {"Công giáo": 30, "Tin Lành": 20},
    "Xơ Đăng": {"Công giáo": 35, "Tin Lành": 10},
}
# Where the citizen IDs of migrants were issued (Kinh workers in the south and in the zones).
MIGRANT_ID_CODES = ("038", "040", "042", "036", "034", "044", "051", "052", "087", "089", "094")

# Syllables of generated place names (xã Tân Hòa, huyện An Phú…).
PLACE_FIRST = (
    "Tân An Bình Hòa Phú Long Phước Xuân Vĩnh Thạnh Hưng Quang Minh Thanh Đông Tây Nam Bắc "
    "Trung Thuận Đức Yên Kim Hồng Cẩm Hải Mỹ Lộc Nghĩa Hiệp Thái Thịnh Sơn Lạc Vạn Gia Định "
    "Quỳnh Triệu Hương"
).split()
PLACE_SECOND = (
    "Phú Hòa An Bình Lợi Thành Lập Tiến Hưng Thịnh Phong Lộc Xuân Thuận Long Sơn Hải Mỹ Trung "
    "Đông Tây Phước Khánh Thạnh Quang Minh Tân Yên Nghĩa Hiệp Định Lâm Châu Giang Thủy Ninh "
    "Vinh Hà Cường Đức"
).split()
FOREIGN_SYLLABLES = (
    "Han Sung Dae Jin Kwang Shin Tai Yuan Hua Feng Ming Nishi Taka Yama Chang Hwa Young Pou "
    "Sam Kyung Won Lian Sheng Tomo"
).split()

# Grassroots categories besides those of the Đắk Lắk demo: (low, high, typical) members,
# share of women, jobs, sections, skewed sizes, named "Công đoàn cơ sở …".
NATIONAL_CATEGORIES = {
    **CATEGORIES,
    "fdi_company": Category((60, 30_000, 450), 0.65, "company", "company", skewed=True),
    "state_company": Category((30, 4_000, 220), 0.35, "company", "company", skewed=True),
    "bank_branch": Category((20, 400, 70), 0.62, "agency", "agency"),
    "central_agency": Category((20, 500, 90), 0.48, "agency", "agency", agency=True),
    "university": Category((80, 3_000, 450), 0.52, "college", "agency", skewed=True),
    "central_hospital": Category((200, 5_000, 900), 0.65, "health", "health", skewed=True),
    "military_factory": Category((100, 3_000, 500), 0.3, "company", "company", skewed=True),
}
SKEW_SIGMA = {"fdi_company": 1.15, "state_company": 0.95}  # others: 0.75 as in the demo

# What each kind of upper-level union of a province holds: (category, share).
RECIPES = {
    "district": (
        ("commune_admin", 0.22),
        ("district_agency", 0.1),
        ("kindergarten", 0.14),
        ("primary_school", 0.17),
        ("secondary_school", 0.12),
        ("commune_clinic", 0.05),
        ("cooperative", 0.05),
        ("private_company", 0.15),
    ),
    "city_district": (
        ("commune_admin", 0.12),
        ("district_agency", 0.08),
        ("kindergarten", 0.1),
        ("primary_school", 0.1),
        ("secondary_school", 0.08),
        ("commune_clinic", 0.04),
        ("private_company", 0.48),
    ),
    "GD": (("thpt", 0.7), ("gdtx", 0.1), ("college", 0.15), ("education_office", 0.05)),
    "YT": (("district_health_centre", 0.35), ("provincial_health", 0.35), ("private_clinic", 0.3)),
    "VC": (("provincial_agency", 1.0),),
    "KCN": (("fdi_company", 0.8), ("industrial_company", 0.2)),
    "CT": (("trade_agency", 0.3), ("trade_company", 0.7)),
    "XD": (("construction_agency", 0.3), ("construction_company", 0.7)),
    "GT": (("transport_agency", 0.4), ("transport_company", 0.6)),
    "NN": (("agriculture_agency", 0.4), ("forest_ranger", 0.25), ("state_farm", 0.35)),
}
# Provincial sector unions: (code, sub-kind, name pattern, short name, share of the
# province's grassroots unions, condition).
PROVINCE_SECTORS = (
    ("VC", UnitSubKind.CIVIL_SERVANTS, "Công đoàn Viên chức {label}", "CĐ Viên chức tỉnh", 0.07),
    ("GD", UnitSubKind.SECTOR, "Công đoàn Giáo dục {label}", "CĐ Giáo dục", 0.08),
    ("YT", UnitSubKind.SECTOR, "Công đoàn ngành Y tế {label}", "CĐ ngành Y tế", 0.035),
    (
        "KCN",
        UnitSubKind.INDUSTRIAL_ZONE,
        "Công đoàn các Khu công nghiệp {label}",
        "CĐ các KCN",
        0.2,
    ),
    ("CT", UnitSubKind.SECTOR, "Công đoàn ngành Công Thương {label}", "CĐ ngành Công Thương", 0.02),
    ("XD", UnitSubKind.SECTOR, "Công đoàn ngành Xây dựng {label}", "CĐ ngành Xây dựng", 0.02),
    (
        "GT",
        UnitSubKind.SECTOR,
        "Công đoàn ngành Giao thông vận tải {label}",
        "CĐ ngành GTVT",
        0.015,
    ),
    (
        "NN",
        UnitSubKind.SECTOR,
        "Công đoàn ngành Nông nghiệp và PTNT {label}",
        "CĐ ngành NN và PTNT",
        0.02,
    ),
)
PROVINCE_AFFILIATES = (
    ("CQ", UnitSubKind.OFFICE, "Cơ quan Liên đoàn Lao động {label}", "Cơ quan LĐLĐ", 40),
    ("NVH", UnitSubKind.PUBLIC_SERVICE, "Nhà Văn hóa Lao động {label}", "Nhà Văn hóa Lao động", 14),
    (
        "TTTV",
        UnitSubKind.PUBLIC_SERVICE,
        "Trung tâm Tư vấn pháp luật Công đoàn {label}",
        "Trung tâm Tư vấn pháp luật CĐ",
        9,
    ),
)
SECTOR_DEPARTMENTS = DEPARTMENTS[:4]

# Name patterns of grassroots unions by category ({p}: province, {d}: district, {c}: commune,
# {f}: historical figure, {b}: brand, {x}: foreign brand, {k}: kindergarten name, {n}: number).
PATTERNS = {
    "commune_admin": ("UBND {cl} {c}",),
    "kindergarten": ("Trường Mầm non {k}", "Trường Mầm non {c}"),
    "primary_school": ("Trường Tiểu học {f}", "Trường Tiểu học {c}"),
    "secondary_school": ("Trường THCS {f}", "Trường THCS {c}"),
    "boarding_school": ("Trường Phổ thông Dân tộc nội trú THCS {d}",),
    "commune_clinic": ("Trạm Y tế {cl} {c}",),
    "coffee_company": ("Công ty TNHH MTV Cà phê {c}",),
    "cooperative": ("Hợp tác xã Nông nghiệp {c}", "Hợp tác xã Dịch vụ {c}", "Hợp tác xã {b}"),
    "private_company": ("{form} {line} {b}",),
    "thpt": ("Trường THPT {f}", "Trường THPT {c}"),
    "gdtx": ("Trung tâm Giáo dục nghề nghiệp - Giáo dục thường xuyên {d}",),
    "college": (
        "Trường Cao đẳng Sư phạm {p}",
        "Trường Cao đẳng Y tế {p}",
        "Trường Cao đẳng Kỹ thuật Công nghiệp {p}",
        "Trường Cao đẳng Nghề {p}",
        "Trường Đại học {p}",
        "Trường Cao đẳng Văn hóa Nghệ thuật {p}",
    ),
    "education_office": ("Cơ quan Sở Giáo dục và Đào tạo",),
    "district_health_centre": ("Trung tâm Y tế {d}",),
    "provincial_health": (
        "Bệnh viện Đa khoa tỉnh {p}",
        "Bệnh viện Sản - Nhi {p}",
        "Bệnh viện Y học cổ truyền {p}",
        "Bệnh viện Phục hồi chức năng {p}",
        "Bệnh viện Lao và Bệnh phổi {p}",
        "Bệnh viện Tâm thần {p}",
        "Bệnh viện Mắt {p}",
        "Trung tâm Kiểm soát bệnh tật {p}",
        "Cơ quan Sở Y tế",
        "Trung tâm Cấp cứu 115 {p}",
    ),
    "private_clinic": ("Phòng khám Đa khoa {b}", "Bệnh viện Đa khoa {b}"),
    "agriculture_agency": (
        "Cơ quan Sở Nông nghiệp và Phát triển nông thôn",
        "Chi cục Kiểm lâm {p}",
        "Chi cục Thủy lợi {p}",
        "Trung tâm Khuyến nông {p}",
        "Chi cục Chăn nuôi và Thú y {p}",
    ),
    "forest_ranger": ("Hạt Kiểm lâm {d}",),
    "state_farm": ("Công ty TNHH MTV Lâm nghiệp {c}", "Công ty TNHH MTV Thủy lợi {c}"),
    "transport_agency": (
        "Cơ quan Sở Giao thông vận tải",
        "Công ty CP Bến xe {p}",
        "{form} Vận tải {b}",
    ),
    "transport_company": ("{form} {line} {b}",),
    "construction_agency": (
        "Cơ quan Sở Xây dựng",
        "Công ty CP Cấp nước {p}",
        "Công ty CP Môi trường đô thị {p}",
    ),
    "construction_company": ("{form} {line} {b}",),
    "trade_agency": ("Cơ quan Sở Công Thương", "Công ty Xăng dầu {p}", "Siêu thị Co.opmart {c}"),
    "trade_company": ("{form} {line} {b}",),
    "provincial_agency": (
        "Văn phòng UBND {pl}",
        "Sở Nội vụ {pl}",
        "Sở Tư pháp {pl}",
        "Sở Kế hoạch và Đầu tư {pl}",
        "Sở Tài chính {pl}",
        "Sở Tài nguyên và Môi trường {pl}",
        "Sở Khoa học và Công nghệ {pl}",
        "Sở Văn hóa, Thể thao và Du lịch {pl}",
        "Sở Lao động - Thương binh và Xã hội {pl}",
        "Sở Thông tin và Truyền thông {pl}",
        "Thanh tra {pl}",
        "Đài Phát thanh và Truyền hình {p}",
        "Báo {p}",
        "Bảo hiểm xã hội {pl}",
        "Kho bạc Nhà nước {p}",
        "Cục Thuế {pl}",
        "Cục Thống kê {pl}",
        "Tòa án nhân dân {pl}",
        "Viện Kiểm sát nhân dân {pl}",
        "Văn phòng Tỉnh ủy {p}",
        "Trường Chính trị {pl}",
        "Trung tâm Dịch vụ việc làm {pl}",
    ),
    "industrial_company": ("{form} {iline} {b}",),
    "fdi_company": (
        "Công ty TNHH {x} Việt Nam",
        "Công ty TNHH {x} Vina",
        "Công ty TNHH {x} {iline}",
    ),
    "state_company": ("Công ty {cform} {b}", "Công ty {cform} {c}"),
    "bank_branch": ("{corp} - Chi nhánh {c}", "{corp} - Chi nhánh {p}"),
    "central_agency": (
        "Cơ quan Bộ {ministry}",
        "Cục {agency} - Bộ {ministry}",
        "Vụ {dept} - Bộ {ministry}",
        "Viện {field} - Bộ {ministry}",
    ),
    "university": (
        "Trường Đại học {field} {city}",
        "Học viện {field}",
        "Trường Cao đẳng {field} {city}",
    ),
    "central_hospital": ("Bệnh viện {hospital}",),
    "military_factory": ("Nhà máy Z{n}", "Công ty {cform} {b}", "Xí nghiệp {b}"),
}
CORP_FORMS = ("TNHH MTV", "CP", "CP Đầu tư", "CP Xây lắp", "TNHH MTV Dịch vụ")
MINISTRIES = (
    "Tư pháp",
    "Kế hoạch và Đầu tư",
    "Tài chính",
    "Công Thương",
    "Nông nghiệp và Phát triển nông thôn",
    "Giao thông vận tải",
    "Xây dựng",
    "Tài nguyên và Môi trường",
    "Thông tin và Truyền thông",
    "Lao động - Thương binh và Xã hội",
    "Văn hóa, Thể thao và Du lịch",
    "Khoa học và Công nghệ",
    "Giáo dục và Đào tạo",
    "Y tế",
    "Nội vụ",
    "Ngoại giao",
)
AGENCY_WORDS = (
    "Quản lý chất lượng",
    "Kế hoạch - Tài chính",
    "Tổ chức cán bộ",
    "Pháp chế",
    "Hợp tác quốc tế",
    "Thống kê",
    "Công nghệ thông tin",
    "Thanh tra",
)
FIELDS = (
    "Kinh tế",
    "Kỹ thuật",
    "Bách khoa",
    "Sư phạm",
    "Y Dược",
    "Nông Lâm",
    "Luật",
    "Thủy lợi",
    "Giao thông",
    "Xây dựng",
    "Công nghiệp",
    "Văn hóa",
    "Ngoại thương",
    "Tài chính",
)
CITIES = (
    "Hà Nội",
    "Thành phố Hồ Chí Minh",
    "Huế",
    "Đà Nẵng",
    "Thái Nguyên",
    "Vinh",
    "Cần Thơ",
    "Hải Phòng",
)
HOSPITALS = (
    "Bạch Mai",
    "Chợ Rẫy",
    "Hữu nghị Việt Đức",
    "Trung ương Huế",
    "Nhi Trung ương",
    "Phụ sản Trung ương",
    "K",
    "Nội tiết Trung ương",
    "Mắt Trung ương",
    "Răng Hàm Mặt Trung ương",
    "Lão khoa Trung ương",
    "Phổi Trung ương",
    "Thống Nhất",
    "E",
    "Hữu Nghị",
    "Da liễu Trung ương",
    "Bệnh Nhiệt đới Trung ương",
    "Y học cổ truyền Trung ương",
    "Đa khoa Trung ương Thái Nguyên",
    "Đa khoa Trung ương Cần Thơ",
)
SECTION_BASES = {
    "company": "Tổ công đoàn Phân xưởng số",
    "farm": "Tổ công đoàn Đội sản xuất số",
    "health": "Tổ công đoàn Khoa - Phòng số",
    "agency": "Tổ công đoàn Phòng số",
    "school": "Tổ công đoàn Tổ chuyên môn số",
}

# The Confederation's plan for 2024: tasks handed to the provincial federations and passed
# down (the tasks each level passes on are in PASSED_DOWN).
NATIONAL_TASKS = [
    {
        "ref": "II.1",
        "title": "Tổ chức học tập, quán triệt Chuyên đề năm 2024 đến cán bộ công đoàn chủ chốt",
        "audiences": [
            "Cán bộ chủ chốt LĐLĐ tỉnh, thành phố, công đoàn ngành trung ương và tương đương",
            "Chủ tịch, Phó Chủ tịch công đoàn cấp trên trực tiếp cơ sở và công đoàn cơ sở",
        ],
        "time": "Quý 1/2024",
        "due": "2024-03-31",
        "form": "Hội nghị trực tiếp kết hợp trực tuyến",
    },
    {
        "ref": "II.2",
        "title": "Tuyên truyền Chuyên đề năm 2024 và kỷ niệm 95 năm Ngày thành lập Công đoàn Việt"
        " Nam trên các phương tiện thông tin của công đoàn",
        "details": [
            "Trang thông tin điện tử, fanpage, nhóm Zalo của các cấp công đoàn",
            "Cuộc thi trực tuyến tìm hiểu Chuyên đề năm 2024 do Tổng Liên đoàn tổ chức",
        ],
    },
    {
        "ref": "II.3",
        "title": "Đưa nội dung Chuyên đề năm 2024 vào sinh hoạt định kỳ của công đoàn cơ sở; vận"
        " động đoàn viên xây dựng Bản cam kết tu dưỡng, rèn luyện",
    },
    {
        "ref": "II.4",
        "title": "Phát hiện, biểu dương, khen thưởng và nhân rộng gương điển hình trong học tập và"
        " làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
        "due": "2024-11-30",
    },
    {
        "ref": "III.1",
        "title": "Báo cáo kết quả thực hiện 6 tháng, năm về Tổng Liên đoàn (qua Ban Tuyên giáo)",
        "due": "2024-12-15",
    },
]
PASSED_DOWN = {  # task ref -> the levels it is passed to below the provincial federation
    "II.1": ("upper",),
    "II.2": ("upper",),
    "II.3": ("upper", "grassroots"),
    "II.4": ("upper",),
    "III.1": ("upper", "grassroots"),
}
ASSIGNMENT_SPREAD = ((AssignmentStatus.DONE, 0.55), (AssignmentStatus.IN_PROGRESS, 0.25))
UNION_DAY = datetime.date(YEAR, 7, 28)
NATIONAL_DAY = datetime.date(YEAR, 9, 2)

# Study: as in the province demo.
GRASSROOTS_HELD = 0.85
LISTED = 0.75
GUESTS = 0.15
UPPER_LATE = 0.12
GRASSROOTS_TITLES = (
    "Sinh hoạt chuyên đề: Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh năm 2024",
    "Sinh hoạt định kỳ: quán triệt Chuyên đề năm 2024",
    "Sinh hoạt công đoàn: Chuyên đề năm 2024 về giữ gìn và phát huy bản sắc văn hóa dân tộc",
)
MATERIALS = (
    "Tài liệu Chuyên đề năm 2024 (Ban Tuyên giáo Trung ương); "
    "Kế hoạch 35/KH-TLĐ ngày 15/01/2024 của Tổng Liên đoàn Lao động Việt Nam."
)
START_TIMES = ("07:30:00", "08:00:00", "14:00:00", "15:30:00")

# Pledges: the province demo's sections, with the region-neutral commitments of the year.
LAM_THEO = [
    "Mặc trang phục truyền thống của dân tộc vào các ngày lễ, hội",
    "Tham gia câu lạc bộ văn nghệ, thể thao của cơ quan, đơn vị",
    "Tìm hiểu, giới thiệu với đồng nghiệp về phong tục tốt đẹp của quê hương",
    "Không tham gia, vận động người thân bỏ hủ tục trong cưới hỏi, tang ma",
    "Giữ gìn tiếng nói, chữ viết và nghề truyền thống của gia đình, dân tộc",
    "Tham gia Ngày hội Văn hóa do công đoàn tổ chức",
]
ACTIONS = [
    "Mỗi tháng đọc ít nhất một cuốn sách, bài viết về tư tưởng, đạo đức Hồ Chí Minh",
    "Tham gia Cuộc thi trực tuyến tìm hiểu Chuyên đề năm 2024 của Tổng Liên đoàn",
    "Đóng góp ít nhất 01 ngày lương cho Quỹ Mái ấm Công đoàn",
    "Giúp đỡ ít nhất 01 đồng nghiệp, đoàn viên có hoàn cảnh khó khăn",
    "Tham gia đầy đủ sinh hoạt công đoàn định kỳ",
    "Viết ít nhất 01 bài chia sẻ gương người tốt, việc tốt trên trang của công đoàn",
    "Tham gia trồng và chăm sóc cây xanh tại nơi làm việc",
    "Thực hiện nghiêm an toàn, vệ sinh lao động tại nơi làm việc",
]
PLEDGE_COMMON_SHARE = 0.8  # unions that collect 75–97 % of pledges; the rest 40–75 %
PLEDGE_VARIANTS = 512
RESULT_DRAWS = 16

# Contest: as in the province demo, nationwide and at ~20 % of the members.
CONTEST_SHARE = 0.2
WORKERS = 0.15
QUESTIONS_PER_ATTEMPT = 20
DRAW_POOL = 2_000

# Honors: a share of grassroots unions propose a good example in the year.
NOMINATING = 0.12
NOMINATION_STORIES = (2, 3, 6, 7, 9, 10, 11)  # the province demo's stories without local colour
# (stage, weight): where the nomination stands at the end of 2024.
NOMINATION_STAGES = (
    ("submitted", 0.18),
    ("returned", 0.05),
    ("rejected", 0.05),
    ("forwarded", 0.14),
    ("praised", 0.15),
    ("granted", 0.33),
    ("forwarded_tld", 0.05),
    ("kept", 0.05),
)

# Outreach: posts a unit records in the year, as in the province demo.
POSTS_PER_UNIT = outreach_demo.POSTS_PER_UNIT
NATIONAL_CONTEST_TITLES = (
    "Cuộc thi tìm hiểu 95 năm lịch sử Công đoàn Việt Nam",
    "Hưởng ứng Cuộc thi trực tuyến tìm hiểu Chuyên đề năm 2024 của Tổng Liên đoàn",
    "Hội thi tìm hiểu Chuyên đề năm 2024 tại {unit}",
)
NATIONAL_DAY_TITLES = (
    "{unit} chào mừng 79 năm Cách mạng Tháng Tám và Quốc khánh 2/9",
    "Đoàn viên {unit} hưởng ứng các hoạt động chào mừng Quốc khánh 2/9",
)

# Reports: states of the provinces' reports to the Confederation (every one has a report).
REPORT_STATES = ("draft", "on_time", "late", "returned", "accepted")
REPORT_WEIGHTS = {
    "2024S1": (0.04, 0.10, 0.07, 0.10, 0.69),
    "2024S2": (0.16, 0.27, 0.16, 0.13, 0.28),
    "2024": (0.24, 0.26, 0.15, 0.14, 0.21),
}
REPORT_PERIODS = ("2024S1", "2024S2", "2024")

# The tables loaded here whose secondary indexes and foreign keys are dropped for the load.
HEAVY_MODELS = (
    Member,
    Assignment,
    StudySession,
    Attendance,
    OutreachPost,
    Pledge,
    Evaluation,
    Participant,
    Attempt,
)


# --- Small helpers -------------------------------------------------------------------------------


def _esc(text: str) -> str:
    """A value for COPY's text format."""
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


NULL = "\\N"  # COPY's NULL


def _n(value) -> str:
    return NULL if value is None else str(value)


def _largest_remainder(total: int, weights: list[float]) -> list[int]:
    """`total` split in proportion to the weights, in whole numbers that add up to it."""
    whole = sum(weights) or 1.0
    exact = [total * w / whole for w in weights]
    counts = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: exact[i] - counts[i], reverse=True)
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _b36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if not number:
            return text


class _Day:
    """ISO dates and local timestamps, cached (the same few thousand days recur)."""

    def __init__(self):
        self.iso: dict[int, str] = {}
        self.moments: dict[tuple[int, int], str] = {}
        self.tz = datetime.timezone(datetime.timedelta(hours=7))  # Asia/Ho_Chi_Minh, no DST

    def date(self, ordinal: int) -> str:
        found = self.iso.get(ordinal)
        if found is None:
            found = datetime.date.fromordinal(ordinal).isoformat()
            self.iso[ordinal] = found
        return found

    def at(self, day: datetime.date, seconds: int) -> str:
        """'2024-03-12 07:30:00+07:00': `seconds` after the day's midnight, local time."""
        key = (day.toordinal(), seconds)
        found = self.moments.get(key)
        if found is None:
            moment = datetime.datetime.combine(day, datetime.time(), self.tz)
            found = (moment + datetime.timedelta(seconds=seconds)).isoformat(sep=" ")
            if len(self.moments) < 2_000_000:
                self.moments[key] = found
        return found


# --- The plan: an in-memory tree -----------------------------------------------------------------


class Node:
    """A unit of the national tree (only the units: members are generated later)."""

    __slots__ = (
        "id",
        "code",
        "name",
        "short_name",
        "kind",
        "sub_kind",
        "address",
        "phone",
        "path",
        "depth",
        "children",
        "category",
        "size",
        "place",
        "officers",
        "staff",
        "assignments",
    )

    def __init__(self, code, name, kind, sub_kind="", short_name="", address="", phone=""):
        self.id = 0
        self.code = code
        self.name = name
        self.short_name = short_name
        self.kind = kind
        self.sub_kind = sub_kind
        self.address = address
        self.phone = phone
        self.path = ""
        self.depth = 0
        self.children: list[Node] = []
        self.category = ""
        self.size = 0
        self.place = None  # the Place the unit is in
        self.officers: list[int] = []  # uppers: member ids of the chairs and vice chairs below
        self.staff: list[int] = []  # provinces: active members of their own affiliated units
        self.assignments: dict[str, int] = {}  # task ref -> assignment id


class Place:
    """A province (or national sector union) with what its units' names and members need."""

    def __init__(self, *, code, label, short, id_code, card, profile, industrial=False):
        self.code = code
        self.label = label  # "tỉnh Thanh Hóa", "thành phố Hà Nội"
        self.short = short  # "Thanh Hóa"
        self.id_code = id_code
        self.card = card  # prefix of union card numbers
        self.profile = profile
        self.industrial = industrial
        self.card_serial = 0
        self.node: Node | None = None
        self.domain = ""
        self.district = ""  # label of the district (for the grassroots unions' names)


def _place_names(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    found = []
    while len(found) < count:
        name = f"{rng.choice(PLACE_FIRST)} {rng.choice(PLACE_SECOND)}"
        first, second = name.split()
        if first == second or name in taken:
            continue
        taken.add(name)
        found.append(name)
    return found


class Slot:
    """Where grassroots unions are placed: an upper-level union (or a national sector union
    itself), its share of the place's unions, what they are, the district they are in."""

    def __init__(self, parent: Node, share: float, recipe, district: str = "", corp: str = ""):
        self.parent = parent
        self.share = share
        self.recipe = recipe
        self.district = district
        self.corp = corp


class Planner:
    """Decides the national tree: provinces, sector unions, upper-level and grassroots unions,
    sections, and the number of members of every unit that holds members."""

    def __init__(self, rng: random.Random, fraction: float, dlk_members: int, dlk_grassroots: int):
        self.rng = rng
        self.fraction = fraction
        self.members_target = max(0, TOTAL_MEMBERS - dlk_members)
        self.grassroots_target = max(0, TOTAL_GRASSROOTS - dlk_grassroots)

    # The names of grassroots unions -------------------------------------------------------

    def _unit_name(self, category: str, place: Place, slot: Slot, commune, used: set) -> str:
        rng = self.rng
        prefix = "Công đoàn cơ sở" if NATIONAL_CATEGORIES[category].agency else "Công đoàn"
        name = ""
        for attempt in range(8):
            level, commune_name = commune
            if attempt:
                level, commune_name = "xã", _place_names(rng, 1, set())[0]
            if category == "district_agency":
                district = slot.district or place.label
                base = rng.choice(DISTRICT_AGENCIES).format(
                    district=district, party=f"Huyện ủy {district.split(maxsplit=1)[-1]}"
                )
            else:
                base = rng.choice(PATTERNS[category]).format(
                    p=place.short,
                    pl=place.label,
                    d=slot.district or place.label,
                    c=commune_name,
                    cl=level,
                    f=rng.choice(names.FIGURES),
                    b=rng.choice(names.BRANDS),
                    k=rng.choice(names.KINDERGARTEN_NAMES),
                    x=rng.choice(FOREIGN_SYLLABLES) + rng.choice(FOREIGN_SYLLABLES).lower(),
                    form=rng.choice(names.FIRM_FORMS),
                    line=rng.choice(names.PRIVATE_LINES),
                    iline=rng.choice(names.INDUSTRIAL_LINES),
                    cform=rng.choice(CORP_FORMS),
                    corp=slot.corp or place.short,
                    ministry=rng.choice(MINISTRIES),
                    agency=rng.choice(AGENCY_WORDS),
                    dept=rng.choice(AGENCY_WORDS),
                    field=rng.choice(FIELDS),
                    city=rng.choice(CITIES),
                    hospital=rng.choice(HOSPITALS),
                    n=rng.randint(111, 199),
                )
            name = f"{prefix} {base}"
            if name not in used:
                used.add(name)
                return name
        number = 2
        while f"{name} số {number}" in used:
            number += 1
        used.add(f"{name} số {number}")
        return f"{name} số {number}"

    def _grassroots(self, slot: Slot, count: int, place: Place, communes) -> list[Node]:
        """`count` grassroots unions under the slot's unit, in the proportions of its recipe."""
        cats = [c for c, _ in slot.recipe]
        counts = _largest_remainder(count, [w for _, w in slot.recipe])
        order = [c for c, n in zip(cats, counts, strict=True) for _ in range(n)]
        self.rng.shuffle(order)
        used: set[str] = set()
        made = []
        parent = slot.parent
        for index, category in enumerate(order, start=1):
            node = Node(
                f"{parent.code}-{index:04d}",
                self._unit_name(category, place, slot, communes[(index - 1) % len(communes)], used),
                UnitKind.GRASSROOTS,
                address=f"{slot.district}, {place.label}" if slot.district else place.label,
            )
            node.category = category
            node.place = place
            parent.children.append(node)
            made.append(node)
        return made

    def _raw_size(self, category: str, industrial: bool) -> float:
        spec = NATIONAL_CATEGORIES[category]
        low, high, typical = spec.size
        if spec.skewed:
            sigma = SKEW_SIGMA.get(category, 0.75)
            if category == "fdi_company" and not industrial:
                typical = typical // 2
            return min(high, max(low, typical * math.exp(self.rng.gauss(0, sigma))))
        return self.rng.triangular(low, high, typical)

    def _sizes(self, grassroots: list[Node], members: float) -> None:
        """Members of each grassroots union: typical for its kind, scaled to the place's total."""
        if not grassroots:
            return
        raw = [self._raw_size(g.category, g.place.industrial) for g in grassroots]
        factor = members / sum(raw)
        for node, size in zip(grassroots, raw, strict=True):
            cap = NATIONAL_CATEGORIES[node.category].size[1] * max(1.0, factor)
            node.size = int(min(cap, max(MIN_MEMBERS, round(size * factor))))

    def _sections(self, node: Node) -> None:
        """Union sections in some of the bigger grassroots unions (as in the province demo),
        and numbered sections in the big ones."""
        spec = NATIONAL_CATEGORIES[node.category]
        if spec.sections is None or node.size < 50:
            return
        rng = self.rng
        if node.size < 600:
            if node.category not in ("district_health_centre", "central_hospital") and (
                rng.random() > 0.3
            ):
                return
            pool = names.SECTIONS[spec.sections]
            count = min(len(pool), max(2, node.size // 30 + 1))
            titles = [pool[i] for i in sorted(rng.sample(range(len(pool)), count))]
        else:
            base = SECTION_BASES[spec.sections]
            titles = [f"{base} {n}" for n in range(1, min(40, node.size // 150) + 1)]
        self._add_sections(node, titles)

    def _add_sections(self, node: Node, titles) -> None:
        for index, title in enumerate(titles, start=1):
            section = Node(
                f"{node.code}-T{index:02d}", title, UnitKind.SECTION, address=node.address
            )
            section.place = node.place
            node.children.append(section)

    # The tree -----------------------------------------------------------------------------

    def plan(self) -> list[Node]:
        """The provinces and sector unions with everything under them."""
        weights = [p[6] for p in PROVINCES] + [s[3] for s in SECTOR_UNIONS]
        members = [self.members_target * w / sum(weights) for w in weights]
        # grassroots unions are smaller where the economy is rural, bigger in industrial places
        sizes = [170 if p[8] and p[6] >= 300 else 110 if p[8] else 60 for p in PROVINCES]
        sizes += [150] * len(SECTOR_UNIONS)
        full_counts = _largest_remainder(
            self.grassroots_target, [m / a for m, a in zip(members, sizes, strict=True)]
        )
        district_total = sum(p[7] for p in PROVINCES)
        sector_uppers = sum(len(_province_sectors(p)) for p in PROVINCES)
        sector_uppers += sum(len(s[5]) for s in SECTOR_UNIONS)
        dlk_uppers = 23
        district_factor = (UPPER_TARGET - dlk_uppers - sector_uppers) / district_total
        tops = []
        for index, spec in enumerate(PROVINCES):
            top, slots = self._province(spec, district_factor)
            self._fill(top, slots, full_counts[index], members[index])
            tops.append(top)
        for offset, spec in enumerate(SECTOR_UNIONS):
            index = len(PROVINCES) + offset
            top, slots = self._sector_union(spec)
            self._fill(top, slots, full_counts[index], members[index])
            tops.append(top)
        return tops

    def _province(self, spec, district_factor: float) -> tuple[Node, list[Slot]]:
        rng = self.rng
        code, level, name, capital, id_code, region, members_k, districts, industrial = spec
        label = f"{level} {name}" if name != "Hồ Chí Minh" else "Thành phố Hồ Chí Minh"
        place = Place(
            code=code,
            label=label,
            short=name,
            id_code=id_code,
            card=f"{code}24",
            profile=region,
            industrial=industrial,
        )
        place.domain = f"ldld{fold(name).replace(' ', '').replace('-', '')}.org.vn"
        top = Node(
            code,
            f"Liên đoàn Lao động {label}",
            UnitKind.PROVINCE,
            short_name=f"LĐLĐ {'tỉnh' if level == 'tỉnh' else 'TP.'} {name}",
            address=f"{capital}, {label}",
            phone=self._landline(id_code),
        )
        top.place = place
        place.node = top
        for suffix, title in DEPARTMENTS:
            top.children.append(Node(f"{code}-{suffix}", title, UnitKind.DEPARTMENT))
        # district-level federations: the capital first, then generated places
        count = max(4, round(districts * district_factor))
        city = level == "thành phố"
        labels = [capital]
        for number, place_name in enumerate(_place_names(rng, count - 1, set()), start=2):
            if name == "Hồ Chí Minh" and number <= 12:
                labels.append(f"Quận {number}")
            elif city and number <= count // 2:
                labels.append(f"quận {place_name}")
            elif number == count and not city:
                labels.append(f"thị xã {place_name}")
            else:
                labels.append(f"huyện {place_name}")
        slots = []
        for number, district in enumerate(labels, start=1):
            short = district.replace("thành phố ", "TP. ").replace("thị xã ", "TX. ")
            upper = Node(
                f"{code}-H{number:02d}",
                f"Liên đoàn Lao động {district}",
                UnitKind.UPPER,
                UnitSubKind.DISTRICT,
                short_name=f"LĐLĐ {short}",
                address=f"{district}, {label}",
                phone=self._landline(id_code),
            )
            upper.place = place
            top.children.append(upper)
            urban = district.lower().startswith("quận")
            recipe = RECIPES["city_district" if urban else "district"]
            slots.append(Slot(upper, 2.5 if number == 1 else 1.0, recipe, district))
        sector_share = 0.0
        sectors = []
        for suffix, sub_kind, pattern, short, share in _province_sectors(spec):
            upper = Node(
                f"{code}-{suffix}",
                pattern.format(label=label),
                UnitKind.UPPER,
                sub_kind,
                short_name=short,
                address=f"{capital}, {label}",
                phone=self._landline(id_code),
            )
            upper.place = place
            top.children.append(upper)
            sector_share += share
            sectors.append(Slot(upper, share, RECIPES[suffix], capital))
        # district federations share what the sector unions leave, the capital more
        weight = sum(s.share for s in slots)
        for slot in slots:
            slot.share = slot.share / weight * (1 - sector_share)
        slots += sectors
        for suffix, sub_kind, pattern, short, size in PROVINCE_AFFILIATES:
            affiliate = Node(
                f"{code}-{suffix}",
                pattern.format(label=label),
                UnitKind.AFFILIATE,
                sub_kind,
                short_name=short,
                address=f"{capital}, {label}",
            )
            affiliate.category = "affiliate"
            affiliate.size = max(MIN_MEMBERS, round(size * (0.6 + members_k / 400)))
            affiliate.place = place
            top.children.append(affiliate)
        return top, slots

    def _sector_union(self, spec) -> tuple[Node, list[Slot]]:
        code, name, short, members_k, category, corporations = spec
        place = Place(
            code=f"TW-{code}",
            label=name.removeprefix("Công đoàn "),
            short=name.removeprefix("Công đoàn "),
            id_code="001",
            card=f"TW{code}24",
            profile="national",
        )
        place.domain = f"cd{code.lower()}.congdoan.vn"
        top = Node(
            place.code,
            name,
            UnitKind.PROVINCE,
            UnitSubKind.SECTOR,
            short_name=short,
            address="Hà Nội",
            phone=self._landline("001"),
        )
        top.place = place
        place.node = top
        for suffix, title in SECTOR_DEPARTMENTS:
            top.children.append(Node(f"{place.code}-{suffix}", title, UnitKind.DEPARTMENT))
        recipe = ((category, 1.0),)
        slots = [Slot(top, 0.4 if corporations else 1.0, recipe)]
        for number, corporation in enumerate(corporations, start=1):
            upper = Node(
                f"{place.code}-{number:02d}",
                f"Công đoàn {corporation}",
                UnitKind.UPPER,
                UnitSubKind.CORPORATION,
                short_name="CĐ "
                + corporation.replace("Tổng công ty", "TCT").replace("Ngân hàng", "NH"),
                address="Hà Nội",
                phone=self._landline("001"),
            )
            upper.place = place
            top.children.append(upper)
            slots.append(Slot(upper, 0.6 / len(corporations), recipe, corp=corporation))
        affiliate = Node(
            f"{place.code}-CQ",
            f"Cơ quan {name}",
            UnitKind.AFFILIATE,
            UnitSubKind.OFFICE,
            short_name=f"Cơ quan {short}",
            address="Hà Nội",
        )
        affiliate.category = "affiliate"
        affiliate.size = max(MIN_MEMBERS, round(20 + members_k / 5))
        affiliate.place = place
        top.children.append(affiliate)
        return top, slots

    def _fill(self, top: Node, slots: list[Slot], full_count: int, members: float) -> None:
        """Grassroots unions in each slot (at least one each), their members (the place's
        members, for the fraction built) and their sections."""
        wanted = max(len(slots), round(full_count * self.fraction))
        counts = [max(1, c) for c in _largest_remainder(wanted, [s.share for s in slots])]
        place = top.place
        grassroots = []
        for slot, count in zip(slots, counts, strict=True):
            level = "phường" if slot.district.lower().startswith(("quận", "thành phố")) else "xã"
            communes = [(level, n) for n in _place_names(self.rng, min(count, 60), set())]
            grassroots += self._grassroots(slot, count, place, communes)
        self._sizes(grassroots, members * len(grassroots) / max(full_count, 1))
        for node in grassroots:
            self._sections(node)
        if not any(g.children for g in grassroots):  # every level in every province
            biggest = max(grassroots, key=lambda g: (g.size, g.code))
            pool_key = NATIONAL_CATEGORIES[biggest.category].sections or "agency"
            biggest.size = max(biggest.size, 60)
            self._add_sections(biggest, names.SECTIONS[pool_key][:2])

    def _landline(self, id_code: str) -> str:
        return f"02{(int(id_code) % 89) + 10:02d}{self.rng.randrange(3_000_000, 9_999_999)}"


def _province_sectors(spec) -> list[tuple]:
    """The provincial sector unions a province has: the civil servants' union everywhere,
    education and health in the bigger ones, the zones' union where there are zones, the
    other sectors in the biggest."""
    members, industrial = spec[6], spec[8]
    chosen = []
    for entry in PROVINCE_SECTORS:
        code = entry[0]
        if (
            code == "VC"
            or (code in ("GD", "YT") and members >= 90)
            or (code == "KCN" and industrial)
            or (code in ("CT", "XD", "GT", "NN") and members >= 300)
        ):
            chosen.append(entry)
    return chosen


def _walk(node: Node):
    yield node
    for child in node.children:
        yield from _walk(child)


# --- Members -------------------------------------------------------------------------------------


class _Names:
    """Full names drawn from pools per (ethnic group, sex), each with its folded form and sort
    key computed once (the same names recur across millions of members)."""

    def __init__(self, rng: random.Random, pool_size: int):
        self.pools: dict[tuple[str, bool], list[tuple[str, str, str]]] = {}
        cache: dict[str, tuple[str, str, str]] = {}
        groups = sorted({e for mix in ETHNIC_MIX.values() for e in mix})
        for ethnicity in groups:
            size = pool_size if ethnicity == "Kinh" else max(200, pool_size // 20)
            for female in (False, True):
                pool = []
                for _ in range(size):
                    full = _person_name(rng, ethnicity, female)
                    entry = cache.get(full)
                    if entry is None:
                        entry = (_esc(full), fold(full), sort_key(full))
                        cache[full] = entry
                    pool.append(entry)
                self.pools[(ethnicity, female)] = pool


def _person_name(rng: random.Random, ethnicity: str, female: bool) -> str:
    if ethnicity == "Khmer":
        return names._kinh_style(rng, rng.choice(KHMER_FAMILY), female)
    if ethnicity == "Hoa":
        return names._kinh_style(rng, rng.choice(HOA_FAMILY), female)
    if ethnicity == "Chăm":
        return names._kinh_style(rng, rng.choice(CHAM_FAMILY), female)
    if ethnicity in ("Ba Na", "Xơ Đăng"):
        if female:
            return f"Y {rng.choice(names.JRAI_GIVEN_FEMALE)}"
        return f"A {rng.choice(names.JRAI_GIVEN_MALE)}"
    return names.person_name(rng, ethnicity, female)


def _cumulative(pairs) -> tuple[list, list[float]]:
    values, cumulative, total = [], [], 0.0
    for value, weight in pairs:
        total += weight
        values.append(value)
        cumulative.append(total)
    return values, [c / total for c in cumulative]


class Person:
    """What the records hanging on a member need to know of it (one per active member)."""

    __slots__ = ("id", "unit", "name", "female", "minority", "born", "job", "position", "phone")

    def __init__(self, id, unit, name, female, minority, born, job, position, phone):
        self.id = id
        self.unit = unit
        self.name = name
        self.female = female
        self.minority = minority
        self.born = born
        self.job = job
        self.position = position
        self.phone = phone


class People:
    """Generates members as COPY lines with unique card, citizen ID and phone numbers."""

    def __init__(self, rng: random.Random, pool_size: int, taken_ids: set[str], now: str):
        self.rng = rng
        self.names = _Names(random.Random(SEED + 7), pool_size)
        self.taken_ids = taken_ids
        self.id_counters: dict[tuple, int] = {}
        self.phone_counter = 0
        self.now = now
        self.day = _Day()
        self.profiles = {key: _cumulative(mix.items()) for key, mix in ETHNIC_MIX.items()}
        self.jobs = {
            key: _cumulative((_esc(title), w) for title, w in table)
            for key, table in names.JOBS.items()
        }
        self.religions = {}
        for ethnicity, table in RELIGIONS.items():
            values, thresholds, total = [], [], 0.0
            for name, share in table.items():
                total += share / 100
                values.append(name)
                thresholds.append(total)
            self.religions[ethnicity] = (values, thresholds)
        self.reference = REFERENCE_DATE.toordinal()

    def phone(self) -> str:
        """A phone number no other member of the national data set has."""
        counter = self.phone_counter
        self.phone_counter += 1
        prefix = PHONE_PREFIXES[counter % len(PHONE_PREFIXES)]
        return f"{prefix}{((counter // len(PHONE_PREFIXES)) * 7_654_321 + 1_234_567) % 10**7:07d}"

    def id_number(self, code: str, female: bool, year: int) -> str:
        century_sex = (0 if year < 2000 else 2) + (1 if female else 0)
        key = (code, century_sex, year % 100)
        counter = self.id_counters.get(key, 0)
        offset = (int(code) * 131 + century_sex * 17 + (year % 100) * 7) % 1_000_000
        while True:
            serial = (counter * 7919 + offset) % 1_000_000
            counter += 1
            value = f"{code}{century_sex}{year % 100:02d}{serial:06d}"
            if value not in self.taken_ids:
                break
        self.id_counters[key] = counter
        return value

    def card(self, place: Place) -> str:
        serial = place.card_serial
        place.card_serial += 1
        return f"{place.card}{(serial * 3_141_593 + 271_828) % 10**7:07d}"

    def members_of(self, node: Node, first_id: int, lines: list[str]) -> list[Person]:
        """COPY lines of the members of a grassroots union (or affiliated unit) and its
        sections; returns its active members. Officers sit at the union, the others in its
        sections in turn, the first of each section its group leader (as in the province demo)."""
        rng = self.rng
        r = rng.random
        spec = NATIONAL_CATEGORIES[node.category]
        place = node.place
        profile = "industrial" if node.category == "fdi_company" else place.profile
        groups, thresholds = self.profiles[profile]
        titles, job_thresholds = self.jobs[spec.jobs]
        pools = self.names.pools
        committee = min(rng.randint(2, 5), max(2, node.size // 6))
        positions = [UnionPosition.CHAIR, UnionPosition.VICE_CHAIR] + [
            UnionPosition.COMMITTEE
        ] * committee
        sections = node.children
        led: set[int] = set()
        active: list[Person] = []
        female_share = spec.female
        day = self.day
        now = self.now
        reference = self.reference
        for index in range(node.size):
            member_id = first_id + index
            position = positions[index] if index < len(positions) else ""
            unit = node
            if not position and sections:
                unit = sections[index % len(sections)]
                if unit.id not in led:
                    led.add(unit.id)
                    position = UnionPosition.GROUP_LEADER
            ethnicity = groups[bisect.bisect(thresholds, r())] if len(groups) > 1 else groups[0]
            female = r() < female_share
            pool = pools[(ethnicity, female)]
            name, folded, key = pool[int(r() * len(pool))]
            officer = bool(position)
            u = r()
            if officer:  # triangular(32, 59, 45)
                age = (
                    32 + math.sqrt(u * 27 * 13)
                    if u < 13 / 27
                    else 59 - math.sqrt((1 - u) * 27 * 14)
                )
            else:  # triangular(20, 60, 37)
                age = (
                    20 + math.sqrt(u * 40 * 17)
                    if u < 17 / 40
                    else 60 - math.sqrt((1 - u) * 40 * 23)
                )
            born = reference - int(age * 365.25)
            low, high = min(21.0, age - 0.5), min(age - 0.1, 45.0)
            joined = born + int((low + (high - low) * r()) * 365.25)
            status = MemberStatus.ACTIVE
            if not officer:
                roll = r()
                if roll < 0.012:
                    status = MemberStatus.TRANSFERRED
                elif roll < 0.02:
                    status = MemberStatus.LEFT
            religion = ""
            table = self.religions.get(ethnicity)
            if table is not None:
                roll = r()
                found = bisect.bisect(table[1], roll)
                if found < len(table[0]):
                    religion = table[0][found]
            phone = self.phone() if r() < 0.8 else ""
            id_number = ""
            if r() < 0.6:
                code = place.id_code
                if (
                    ethnicity == "Kinh"
                    and place.profile in ("southeast", "industrial")
                    and r() < 0.35
                ):
                    code = MIGRANT_ID_CODES[int(r() * len(MIGRANT_ID_CODES))]
                id_number = self.id_number(code, female, datetime.date.fromordinal(born).year)
            card = self.card(place)
            job = titles[bisect.bisect(job_thresholds, r())]
            lines.append(
                f"{member_id}\t{unit.id}\t\\N\t{name}\t{'female' if female else 'male'}\t"
                f"{day.date(born)}\t{ethnicity}\t{religion}\t{phone}\t\t{id_number}\t{card}\t"
                f"{job}\t{position}\t{day.date(joined)}\t{status}\t{folded} {card.lower()}\t{key}\t"
                f"{now}\t{now}\n"
            )
            if status == MemberStatus.ACTIVE:
                active.append(
                    Person(
                        member_id,
                        unit,
                        name,
                        female,
                        ethnicity != "Kinh",
                        born,
                        job,
                        position,
                        phone,
                    )
                )
        return active


MEMBER_COLUMNS = (
    "id",
    "unit_id",
    "user_id",
    "full_name",
    "gender",
    "date_of_birth",
    "ethnicity",
    "religion",
    "phone",
    "email",
    "id_number",
    "card_number",
    "job_title",
    "union_position",
    "joined_on",
    "status",
    "search_name",
    "sort_key",
    "created_at",
    "updated_at",
)
UNIT_COLUMNS = (
    "id",
    "path",
    "depth",
    "numchild",
    "code",
    "name",
    "short_name",
    "kind",
    "sub_kind",
    "active",
    "merged_into_id",
    "address",
    "phone",
    "email",
    "search_name",
    "sort_key",
    "created_at",
    "updated_at",
)
ASSIGNMENT_COLUMNS = (
    "id",
    "task_id",
    "unit_id",
    "parent_id",
    "due_on",
    "instructions",
    "status",
    "progress_note",
    "completed_on",
    "assigned_by_id",
    "created_at",
    "updated_at",
)
SESSION_COLUMNS = (
    "id",
    "unit_id",
    "task_id",
    "title",
    "kind",
    "delivery",
    "date",
    "start_time",
    "place",
    "audiences",
    "expected_mode",
    "expected_number",
    "expected_count",
    "speakers",
    "materials",
    "minutes",
    "code",
    "checkin_opens_before",
    "headcount_total",
    "headcount_women",
    "headcount_minority",
    "headcount_members",
    "created_by_id",
    "created_at",
    "updated_at",
)
ATTENDANCE_COLUMNS = ("session_id", "member_id", "source", "checked_in_at", "recorded_by_id")
POST_COLUMNS = (
    "unit_id",
    "channel",
    "link",
    "title",
    "published_on",
    "occasion_id",
    "task_id",
    "views",
    "reactions",
    "shares",
    "screenshot",
    "status",
    "review_note",
    "reviewed_by_id",
    "reviewed_at",
    "search_title",
    "created_by_id",
    "created_at",
    "updated_at",
)
PLEDGE_COLUMNS = (
    "id",
    "member_id",
    "template_id",
    "year",
    "status",
    "source",
    "version",
    "previous_id",
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
    "reviewer_id",
    "reviewed_at",
    "return_comment",
    "created_by_id",
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
    "rated_by_id",
    "rated_at",
    "proposed_exemplar_at",
    "proposed_exemplar_by_id",
)
PARTICIPANT_COLUMNS = (
    "id",
    "contest_id",
    "member_id",
    "full_name",
    "phone",
    "unit_id",
    "ip_address",
    "created_at",
)
ATTEMPT_COLUMNS = (
    "participant_id",
    "round_id",
    "number",
    "token",
    "unit_path",
    "started_at",
    "deadline",
    "questions",
    "answers",
    "prediction",
    "status",
    "submitted_at",
    "submit_key",
    "score",
    "seconds",
    "late",
    "best",
    "ip_address",
)
TALLY_COLUMNS = ("round_id", "unit_id", "path", "shard", "entries", "entrants")
NOMINATION_COLUMNS = (
    "id",
    "unit_id",
    "holder_id",
    "kind",
    "member_id",
    "nominee_unit_id",
    "nominee_name",
    "nominee_position",
    "category",
    "title",
    "achievement",
    "figures",
    "task_id",
    "occasion",
    "year",
    "status",
    "showcase",
    "source",
    "search_text",
    "submitted_on",
    "created_by_id",
    "created_at",
    "updated_at",
)
STEP_COLUMNS = (
    "nomination_id",
    "action",
    "actor_id",
    "actor_name",
    "at",
    "comment",
    "from_unit_id",
    "to_unit_id",
)
DECISION_COLUMNS = (
    "id",
    "unit_id",
    "award_kind",
    "number",
    "date",
    "reason",
    "occasion",
    "thematic_review",
    "signer_authority",
    "signer_position",
    "signer_name",
    "created_by_id",
    "created_at",
)
AWARD_COLUMNS = ("decision_id", "nomination_id", "member_id", "unit_id", "position", "repeat_flag")
EXPECTED_UNITS = StudySession.expected_units.through
CHUNK_TABLES = (
    (Member, MEMBER_COLUMNS),
    (StudySession, SESSION_COLUMNS),
    (EXPECTED_UNITS, ("studysession_id", "unit_id")),
    (Attendance, ATTENDANCE_COLUMNS),
    (Pledge, PLEDGE_COLUMNS),
    (Evaluation, EVALUATION_COLUMNS),
    (Participant, PARTICIPANT_COLUMNS),
    (Attempt, ATTEMPT_COLUMNS),
)
WRITTEN_TABLES = {
    Unit: UNIT_COLUMNS,
    Member: MEMBER_COLUMNS,
    Assignment: ASSIGNMENT_COLUMNS,
    StudySession: SESSION_COLUMNS,
    EXPECTED_UNITS: ("studysession_id", "unit_id"),
    Attendance: ATTENDANCE_COLUMNS,
    OutreachPost: POST_COLUMNS,
    Pledge: PLEDGE_COLUMNS,
    Evaluation: EVALUATION_COLUMNS,
    Participant: PARTICIPANT_COLUMNS,
    Attempt: ATTEMPT_COLUMNS,
    UnitTally: TALLY_COLUMNS,
    Nomination: NOMINATION_COLUMNS,
    NominationStep: STEP_COLUMNS,
    AwardDecision: DECISION_COLUMNS,
    Award: AWARD_COLUMNS,
}


def check_columns() -> None:
    """Refuse before writing anything when a table has gained a required column this builder
    does not fill (or lost one it fills)."""
    problems = []
    for model, columns in WRITTEN_TABLES.items():
        fields = {f.column: f for f in model._meta.concrete_fields}
        for column in columns:
            if column not in fields:
                problems.append(f"{model._meta.db_table}.{column} no longer exists")
        for column, f in fields.items():
            if column in columns or f.primary_key or f.null:
                continue
            if getattr(f, "db_default", NOT_PROVIDED) is NOT_PROVIDED:
                problems.append(f"{model._meta.db_table}.{column} is required and not filled")
    if problems:
        raise NationalScaleError(
            "The national builder (chuyende/demo/national.py) is out of date with the models: "
            + "; ".join(problems)
        )


# --- Writing -------------------------------------------------------------------------------------


class Ids:
    """Ids reserved from a table's sequence a block at a time (nextval, then setval to the end
    of the block), so rows can be written with their ids and referenced before they exist."""

    def __init__(self, model, block: int = ID_BLOCK):
        self.table = model._meta.db_table
        self.block = block
        self.next = self.end = 0
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [self.table])
            self.sequence = cursor.fetchone()[0]

    def reserve(self, count: int) -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(%s)", [self.sequence])
            first = cursor.fetchone()[0]
            if count > 1:
                cursor.execute("SELECT setval(%s, %s)", [self.sequence, first + count - 1])
        return first

    def take(self, count: int = 1) -> int:
        if self.next + count > self.end:
            size = max(self.block, count)
            self.next = self.reserve(size)
            self.end = self.next + size
        first = self.next
        self.next += count
        return first

    def release(self) -> None:
        """Give the unused end of the last block back, when nobody has taken ids since."""
        if self.next >= self.end:
            return
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT last_value FROM {self.sequence}")
            if cursor.fetchone()[0] == self.end - 1:
                cursor.execute(
                    "SELECT setval(%s, %s, %s)",
                    [self.sequence, max(self.next - 1, 1), self.next > 1],
                )
        self.next = self.end = 0


def copy_lines(model, columns, lines: list[str]) -> int:
    """COPY the lines (text format) into the model's table; returns how many."""
    if not lines:
        return 0
    table = connection.ops.quote_name(model._meta.db_table)
    names_ = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({names_}) FROM STDIN") as copy:
            for begin in range(0, len(lines), 20_000):
                copy.write("".join(lines[begin : begin + 20_000]))
    return len(lines)


def _state_file() -> Path:
    name = connection.settings_dict["NAME"]
    return Path(settings.VAR_DIR) / f"national-build-{name}.json"


def _table_definitions(table: str) -> list[dict]:
    """The secondary indexes, unique constraints and foreign keys of a table, as SQL that
    recreates them exactly."""
    found = []
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT con.conname, pg_get_constraintdef(con.oid), con.contype
            FROM pg_constraint con
            WHERE con.conrelid = %s::regclass AND con.contype IN ('u', 'f')
            ORDER BY con.contype DESC, con.conname
            """,
            [table],
        )
        for name, definition, kind in cursor.fetchall():
            found.append(
                {
                    "table": table,
                    "name": name,
                    "kind": "unique" if kind == "u" else "foreign_key",
                    "sql": f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}',
                }
            )
        cursor.execute(
            """
            SELECT i.relname, pg_get_indexdef(ix.indexrelid)
            FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid
            WHERE ix.indrelid = %s::regclass AND NOT ix.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid)
            ORDER BY i.relname
            """,
            [table],
        )
        for name, definition in cursor.fetchall():
            found.append({"table": table, "name": name, "kind": "index", "sql": definition})
    return found


def _exists(cursor, item: dict) -> bool:
    if item["kind"] == "index":
        cursor.execute(
            "SELECT 1 FROM pg_class WHERE relname = %s AND relkind = 'i'", [item["name"]]
        )
    else:
        cursor.execute(
            "SELECT 1 FROM pg_constraint WHERE conname = %s AND conrelid = %s::regclass",
            [item["name"], item["table"]],
        )
    return cursor.fetchone() is not None


def drop_heavy_indexes(stdout=None) -> list[dict]:
    """Drop the secondary indexes, unique constraints and foreign keys of the big tables,
    keeping their definitions in a file until `restore_indexes` has put them back."""
    items = [item for model in HEAVY_MODELS for item in _table_definitions(model._meta.db_table)]
    path = _state_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(items, ensure_ascii=False, indent=1))
    with connection.cursor() as cursor:
        for item in items:
            if item["kind"] == "index":
                cursor.execute(f'DROP INDEX IF EXISTS "{item["name"]}"')
            else:
                cursor.execute(
                    f'ALTER TABLE "{item["table"]}" DROP CONSTRAINT IF EXISTS "{item["name"]}"'
                )
    _say(stdout, f"  dropped {len(items)} indexes and constraints of {len(HEAVY_MODELS)} tables")
    return items


def restore_indexes(stdout=None) -> int:
    """Recreate what `drop_heavy_indexes` dropped (indexes and unique constraints first, then
    the foreign keys, which PostgreSQL validates), from the kept file; nothing if none."""
    path = _state_file()
    if not path.exists():
        return 0
    items = json.loads(path.read_text())
    order = {"index": 0, "unique": 0, "foreign_key": 1}
    made = 0
    with connection.cursor() as cursor:
        for item in sorted(items, key=lambda i: order[i["kind"]]):
            if _exists(cursor, item):
                continue
            began = time.perf_counter()
            cursor.execute(item["sql"])
            made += 1
            _say(stdout, f"    {item['name']}: {time.perf_counter() - began:.1f} s")
    path.unlink()
    return made


# --- The build -----------------------------------------------------------------------------------


def national_units():
    """The units of the national data set (its provinces, sector unions and their subtrees)."""
    codes = [p[0] for p in PROVINCES] + [f"TW-{s[0]}" for s in SECTOR_UNIONS]
    return Unit.objects.filter(code__in=codes, depth=2)


def national_state() -> str:
    """'absent', 'complete' (its reports are written, the last step) or 'incomplete'."""
    plan = national_plan()
    if not national_units().exists() and plan is None:
        return "absent"
    if plan is not None and Report.objects.filter(form__plan=plan).exists():
        return "complete"
    return "incomplete"


def national_plan() -> Plan | None:
    root = Unit.objects.filter(code=ROOT_CODE).first()
    if root is None:
        return None
    key = fold(PLAN_NUMBER).replace(" ", "")
    return Plan.objects.filter(unit=root, number_key=key).first()


class Build:
    def __init__(self, *, fraction: float, seed: int, stdout=None):
        self.fraction = fraction
        self.seed = seed
        self.stdout = stdout
        self.started = time.perf_counter()
        self.rng = random.Random(seed)
        self.day = _Day()
        self.now = datetime.datetime.now(datetime.UTC).isoformat(sep=" ")
        self.counts: dict[str, int] = defaultdict(int)
        self.timings: dict[str, float] = {}

    def say(self, text: str) -> None:
        _say(self.stdout, f"[{time.perf_counter() - self.started:7.1f} s] {text}")

    # 1. The tree --------------------------------------------------------------------------

    def plan_tree(self) -> None:
        root = Unit.objects.get(code=ROOT_CODE)
        self.root = root
        province = Unit.objects.filter(code="DLK").first()
        dlk_path = province.path if province else root.path + "0001"
        dlk_members = Member.objects.filter(unit__path__startswith=dlk_path).count()
        dlk_grassroots = Unit.objects.filter(
            path__startswith=dlk_path, kind=UnitKind.GRASSROOTS
        ).count()
        planner = Planner(self.rng, self.fraction, dlk_members, dlk_grassroots)
        self.tops = planner.plan()
        self.places = [top.place for top in self.tops]
        last = (
            Unit.objects.filter(path__startswith=root.path, depth=root.depth + 1)
            .order_by("-path")
            .values_list("path", flat=True)
            .first()
        )
        position = Unit._str2int(last[-Unit.steplen :]) + 1 if last else 1
        self.units: list[Node] = []

        def place(node: Node, parent_path: str, depth: int, index: int) -> None:
            node.path = Unit._get_path(parent_path, depth, index)
            node.depth = depth
            self.units.append(node)
            for child_index, child in enumerate(node.children, start=1):
                place(child, node.path, depth + 1, child_index)

        for offset, top in enumerate(self.tops):
            place(top, root.path, root.depth + 1, position + offset)
        first = Ids(Unit).reserve(len(self.units))
        for offset, node in enumerate(self.units):
            node.id = first + offset
        self.holders = [u for u in self.units if u.category]
        kinds: dict[str, int] = defaultdict(int)
        for node in self.units:
            kinds[node.kind] += 1
        self.say(
            f"planned {len(self.units):,} units ("
            + ", ".join(f"{kind} {kinds[kind]:,}" for kind in UnitKind.values if kind in kinds)
            + f") and {sum(u.size for u in self.holders):,} members"
        )

    def write_units(self) -> None:
        lines = []
        for node in self.units:
            search = fold(f"{node.name} {node.short_name} {node.code}")
            lines.append(
                "\t".join(
                    (
                        str(node.id),
                        node.path,
                        str(node.depth),
                        str(len(node.children)),
                        node.code,
                        _esc(node.name),
                        _esc(node.short_name),
                        node.kind,
                        node.sub_kind,
                        "t",
                        "\\N",
                        _esc(node.address),
                        node.phone,
                        "",
                        _esc(search),
                        name_sort_key(node.name),
                        self.now,
                        self.now,
                    )
                )
                + "\n"
            )
        with transaction.atomic():
            copy_lines(Unit, UNIT_COLUMNS, lines)
            Unit.objects.filter(pk=self.root.pk).update(numchild=F("numchild") + len(self.tops))
        self.counts["units"] = len(lines)
        self.say(f"wrote {len(lines):,} units")

    # 2. What the Confederation sets up (through the services) -------------------------------

    def setup(self) -> None:
        User = get_user_model()
        self.admin = User.objects.filter(username="admin").first()
        if self.admin is None:
            raise NationalScaleError("The demo account 'admin' is missing: run `chuyende demo`.")
        root = self.root
        plan = plan_services.plan_create(
            unit=root,
            acting_user=self.admin,
            fields={
                "kind": "KẾ HOẠCH",
                "number": PLAN_NUMBER,
                "issuer": "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM",
                "issuer_parent": "",
                "place": "Hà Nội",
                "issued_on": datetime.date(2024, 1, 15),
                "title": "Học tập, quán triệt và triển khai thực hiện Chuyên đề năm 2024 về “Học"
                " tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh” trong công nhân,"
                " viên chức, lao động và tổ chức công đoàn",
                "references": [{"number": "01-KL/TW", "date": "2021-05-18"}],
                "sections": [],
                "reporting": [
                    {
                        "by": "LĐLĐ tỉnh, thành phố, công đoàn ngành trung ương và tương đương",
                        "to": "Tổng Liên đoàn",
                        "frequency": ["6 tháng", "năm"],
                    }
                ],
                "recipients": [
                    {
                        "name": "LĐLĐ tỉnh, thành phố; CĐ ngành TW và tương đương",
                        "purpose": "Thực hiện",
                    },
                    {"name": "Ban Tuyên giáo Trung ương", "purpose": "Báo cáo"},
                ],
                "signer": {
                    "authority": "TM. ĐOÀN CHỦ TỊCH",
                    "position": "PHÓ CHỦ TỊCH",
                    "name": "Nguyễn Văn Minh",
                },
            },
            tasks=NATIONAL_TASKS,
            occasions=[
                {"date": "2024-07-28", "name": "95 năm Ngày thành lập Công đoàn Việt Nam"},
                {"date": "2024-09-02", "name": "79 năm Quốc khánh nước CHXHCN Việt Nam"},
            ],
        )
        self.plan = plan
        self.tasks = {t.ref: t for t in plan.tasks.all()}
        self.plan_occasions = {o.date: o for o in Occasion.objects.filter(plan=plan)}
        self.national_occasions = list(
            Occasion.objects.filter(unit=root, recurring=True).order_by("date")
        )
        from chuyende.reports.seeding import report_setup_for_plan

        self.forms = report_setup_for_plan(plan=plan, acting_user=self.admin)
        ReportingPeriod.objects.filter(code__in=REPORT_PERIODS).update(locks_on=None)
        # Each provincial federation's pledge form for the year, for the Confederation's plan.
        templates = []
        for top in self.tops:
            templates.append(
                PledgeTemplate(
                    unit_id=top.id,
                    plan=plan,
                    year=YEAR,
                    title=pledges_demo.TITLE,
                    topic=pledges_demo.TOPIC,
                    introduction=pledges_demo.INTRODUCTION.replace(
                        "Kế hoạch số 26/KH-LĐLĐ ngày 22/02/2024 của Liên đoàn Lao động tỉnh",
                        f"Kế hoạch số {PLAN_NUMBER} ngày 15/01/2024 của Tổng Liên đoàn",
                    ),
                )
            )
        PledgeTemplate.objects.bulk_create(templates)
        self.templates = {
            t.unit_id: t.pk
            for t in PledgeTemplate.objects.filter(unit_id__in=[t.id for t in self.tops], year=YEAR)
        }
        PledgeSection.objects.bulk_create(
            PledgeSection(template_id=pk, code=c, title=t, guidance=g, min_items=n, position=i)
            for pk in self.templates.values()
            for i, (c, t, g, n) in enumerate(pledges_demo.SECTIONS, start=1)
        )
        have = set(UnitWebsite.objects.values_list("domain", flat=True))
        UnitWebsite.objects.bulk_create(
            UnitWebsite(unit_id=top.id, domain=place.domain)
            for top, place in zip(self.tops, self.places, strict=True)
            if place.domain not in have
        )
        # The national contest.
        contest = Contest.objects.create(
            unit=root, plan=plan, title=CONTEST_TITLE, rules=DEFAULT_RULES, published=True
        )
        Question.objects.bulk_create(
            Question(contest=contest, **as_fields(entry))
            for entry in QUESTIONS
            if entry[0] != DAKLAK
        )
        bank = list(contest.questions.values("id", "kind", "options", "correct", "category"))
        quotas = {category: 4 for category in sorted({q["category"] for q in bank})}
        tz = datetime.timezone(datetime.timedelta(hours=7))
        self.rounds = [
            Round.objects.create(
                contest=contest,
                number=number,
                opens_at=datetime.datetime.combine(opens, datetime.time(8), tz),
                closes_at=datetime.datetime.combine(closes, datetime.time(20), tz),
                attempts_allowed=2,
                questions_per_attempt=QUESTIONS_PER_ATTEMPT,
                time_limit_minutes=20,
                quotas=quotas,
            )
            for number, opens, closes in (
                (1, datetime.date(2024, 7, 8), datetime.date(2024, 7, 28)),
                (2, datetime.date(2024, 10, 7), datetime.date(2024, 10, 27)),
            )
        ]
        self.contest = contest
        self._draws(bank, quotas)
        self.say(
            f"set up the Confederation's plan {PLAN_NUMBER} ({len(self.tasks)} tasks, "
            f"{len(self.forms)} report forms), {len(self.templates)} pledge forms and the "
            f"national contest ({len(bank)} questions)"
        )

    def _draws(self, bank, quotas) -> None:
        """A pool of question draws for the attempts: its JSON, and for each question the
        JSON of a correct and of a wrong answer (as the province demo answers)."""
        rng = random.Random(self.seed + 3)
        correct = {q["id"]: q["correct"] for q in bank}
        self.correct = correct
        self.draws = []
        for _ in range(DRAW_POOL):
            drawn = scoring.draw(bank, count=QUESTIONS_PER_ATTEMPT, quotas=quotas, rng=rng)
            right = [f'"{qid}": {json.dumps(correct[qid])}' for qid, _ in drawn]
            wrong = [f'"{qid}": [{(correct[qid][0] + 1) % 2}]' for qid, _ in drawn]
            self.draws.append((json.dumps(drawn), right, wrong))

    # 3. Unit-level records: assignments and outreach posts --------------------------------

    def write_assignments(self) -> None:
        rng = self.rng
        ids = Ids(Assignment)
        lines = []
        task_due = {ref: t.due_on or datetime.date(YEAR, 12, 31) for ref, t in self.tasks.items()}
        dlk = Unit.objects.get(code="DLK")
        statuses = [s for s, _ in ASSIGNMENT_SPREAD]
        thresholds = [0.55, 0.8]

        def add(task_ref, unit_id, parent_id, instructions=""):
            assignment_id = ids.take()
            roll = rng.random()
            found = bisect.bisect(thresholds, roll)
            status = statuses[found] if found < len(statuses) else AssignmentStatus.NOT_STARTED
            due = task_due[task_ref]
            completed = (
                min(due, datetime.date(2024, 11, 30)).isoformat()
                if status == AssignmentStatus.DONE
                else "\\N"
            )
            note = {
                AssignmentStatus.DONE: "Đã triển khai, có báo cáo kèm theo.",
                AssignmentStatus.IN_PROGRESS: "Đang triển khai.",
            }.get(status, "")
            lines.append(
                f"{assignment_id}\t{self.tasks[task_ref].pk}\t{unit_id}\t{_n(parent_id)}\t"
                f"{due.isoformat()}\t{instructions}\t{status}\t{note}\t{completed}\t"
                f"{self.admin.pk}\t{self.now}\t{self.now}\n"
            )
            return assignment_id

        below = "Triển khai đến đoàn viên, người lao động; báo cáo kết quả về cấp trên trước hạn."
        for ref in self.tasks:
            add(ref, dlk.pk, None)  # Đắk Lắk carries the tasks out through its own plan
        for top in self.tops:
            for ref in self.tasks:
                top.assignments[ref] = add(ref, top.id, None)
            for upper in top.children:
                if upper.kind == UnitKind.UPPER:
                    for ref, levels in PASSED_DOWN.items():
                        if "upper" in levels:
                            upper.assignments[ref] = add(ref, upper.id, top.assignments[ref], below)
                    parent = upper
                elif upper.kind == UnitKind.GRASSROOTS:
                    parent = top
                else:
                    continue
                grassroots = [upper] if upper.kind == UnitKind.GRASSROOTS else upper.children
                for node in grassroots:
                    for ref, levels in PASSED_DOWN.items():
                        if "grassroots" in levels:
                            add(ref, node.id, parent.assignments[ref], below)
        with transaction.atomic():
            self.counts["assignments"] += copy_lines(Assignment, ASSIGNMENT_COLUMNS, lines)
        ids.release()
        self.say(f"wrote {len(lines):,} assignments of the plan's tasks")

    def write_posts(self) -> None:
        rng = self.rng
        lines = []
        serial = 0
        task = self.tasks["II.2"].pk
        reviewed_at = "2024-12-01 02:00:00+00:00"
        for node in self.units:
            if node.kind == UnitKind.SECTION:
                continue
            low, high = POSTS_PER_UNIT.get(node.kind, (0, 2))
            mix = outreach_demo.CHANNEL_MIX.get(node.kind, outreach_demo.CHANNEL_MIX["default"])
            name = node.short_name or node.name
            handle = node.code.lower().replace("-", "")
            domain = node.place.domain if node.place else "congdoan.vn"
            for counter in range(1, rng.randint(low, high) + 1):
                serial += 1
                day = self._post_day(rng)
                channel = outreach_demo._pick(rng, mix)
                occasion = self._occasion_for(day)
                if channel in (Channel.CONTEST, Channel.QA) and occasion is not None:
                    occasion = None if occasion.recurring else occasion
                title = self._post_title(rng, channel, day, name, counter, occasion)[:255]
                status = outreach_demo._status(rng, day)
                views, reactions, shares = outreach_demo._reach(rng, channel)
                link = self._link(rng, channel, node, handle, domain, day, title, serial)
                reviewed = status != PostStatus.SUBMITTED
                lines.append(
                    f"{node.id}\t{channel}\t{link}\t{_esc(title)}\t{day.isoformat()}\t"
                    f"{_n(occasion.pk if occasion else None)}\t{task}\t{_n(views)}\t"
                    f"{_n(reactions)}\t{_n(shares)}\t\t{status}\t"
                    f"{rng.choice(outreach_demo.REJECTIONS) if status == PostStatus.REJECTED else ''}\t"
                    f"{self.admin.pk if reviewed else NULL}\t"
                    f"{reviewed_at if reviewed else NULL}\t{_esc(fold(title)[:255])}\t"
                    f"\\N\t{self.now}\t{self.now}\n"
                )
        with transaction.atomic():
            self.counts["posts"] += copy_lines(OutreachPost, POST_COLUMNS, lines)
        self.say(f"wrote {len(lines):,} outreach posts")

    def _post_day(self, rng) -> datetime.date:
        """A third around 28/7, a fifth around 2/9, the rest from February to December."""
        roll = rng.random()
        if roll < 0.35:
            centre, spread = UNION_DAY, 9
        elif roll < 0.55:
            centre, spread = NATIONAL_DAY, 6
        else:
            return datetime.date(YEAR, 2, 1) + datetime.timedelta(days=rng.randrange(320))
        offset = int(rng.triangular(-2.5 * spread, spread, -spread / 3))
        return centre + datetime.timedelta(days=offset)

    def _occasion_for(self, day):
        for when, occasion in self.plan_occasions.items():
            if abs((day - when).days) <= 20:
                return occasion
        for occasion in self.national_occasions:
            when = occasion.date.replace(year=YEAR)
            if 0 <= (when - day).days <= 6 or 0 <= (day - when).days <= 1:
                return occasion
        return None

    def _post_title(self, rng, channel, day, unit_name, counter, occasion) -> str:
        if occasion is not None and occasion.recurring:
            return rng.choice(outreach_demo.NATIONAL_TITLES).format(
                unit=unit_name,
                years=YEAR - occasion.date.year,
                name=occasion.name,
                founded=occasion.date,
                year=YEAR,
            )
        if channel == Channel.BOARD:
            pool = outreach_demo.BOARD_TITLES
        elif channel == Channel.RADIO:
            pool = outreach_demo.RADIO_TITLES
        elif channel == Channel.CONTEST:
            pool = NATIONAL_CONTEST_TITLES
        elif channel == Channel.QA:
            pool = outreach_demo.QA_TITLES
        elif abs((day - UNION_DAY).days) <= 25:
            pool = outreach_demo.UNION_TITLES
        elif abs((day - NATIONAL_DAY).days) <= 12:
            pool = NATIONAL_DAY_TITLES
        else:
            pool = outreach_demo.TOPIC_TITLES
        return rng.choice(pool).format(unit=unit_name, n=counter)

    def _link(self, rng, channel, node, handle, domain, day, title, serial) -> str:
        """As in the province demo, each made unique by the post's serial number."""
        token = base64.urlsafe_b64encode(rng.getrandbits(96).to_bytes(12, "big")).decode()
        mark = _b36(serial)
        if channel == Channel.WEBSITE:
            return f"https://{domain}/{day:%Y/%m/%d}/{outreach_demo._slug(title)}-n{mark}/"
        if channel == Channel.FANPAGE:
            return f"https://www.facebook.com/congdoan.{handle}/posts/pfbid0{token}{mark}"
        if channel == Channel.FACEBOOK:
            return f"https://www.facebook.com/groups/cd{handle}/posts/{7 * 10**15 + serial}/"
        if channel == Channel.ZALO:
            return f"https://zalo.me/g/n{mark}{token[:6].lower()}" if rng.random() < 0.3 else ""
        if channel == Channel.VIDEO:
            return f"https://www.youtube.com/watch?v=n{mark}{token[:4]}"
        if channel in (Channel.CONTEST, Channel.QA) and node.kind == UnitKind.PROVINCE:
            return f"https://{domain}/{day:%Y/%m/%d}/{outreach_demo._slug(title)}-n{mark}/"
        return ""

    # 4. Members and what hangs on them, a chunk at a time ---------------------------------

    def write_members(self) -> None:
        taken = set(Member.objects.exclude(id_number="").values_list("id_number", flat=True))
        total = sum(u.size for u in self.holders)
        pool_size = int(min(60_000, max(3_000, total / 40)))
        self.people = People(random.Random(self.seed + 1), pool_size, taken, self.now)
        self.member_ids = Ids(Member)
        self.session_ids = Ids(StudySession, 50_000)
        self.pledge_ids = Ids(Pledge)
        self.participant_ids = Ids(Participant)
        self.codes = set(StudySession.objects.values_list("code", flat=True))
        self.tallies: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0, 0])
        self.nominations: list[tuple] = []
        self.pledge_variants()
        # While one chunk is written (by a thread with its own connection, so the database
        # works while Python generates), the next is generated. Safe because the big tables'
        # keys and unique indexes are off during the load; inside a transaction (tests run
        # in one) the chunks are written in line instead.
        threaded = not connection.in_atomic_block
        writer = ThreadPoolExecutor(max_workers=1) if threaded else None
        pending = None
        chunk: list[Node] = []
        size = done = 0
        try:
            for index, node in enumerate(self.holders):
                chunk.append(node)
                size += node.size
                if size < CHUNK_MEMBERS and index < len(self.holders) - 1:
                    continue
                buffers = self._chunk(chunk)
                if pending is not None:
                    pending.result()
                if writer is None:
                    self._write_chunk(buffers)
                else:
                    pending = writer.submit(self._write_chunk, buffers)
                done += size
                self.say(f"  members {done:,} of {total:,} generated")
                chunk, size = [], 0
            if pending is not None:
                pending.result()
        finally:
            if writer is not None:
                writer.submit(_close_connection).result()
                writer.shutdown()
        for ids in (self.member_ids, self.session_ids, self.pledge_ids, self.participant_ids):
            ids.release()

    def _chunk(self, nodes: list[Node]) -> dict:
        """Members of these units and the records hanging on them, as COPY lines by model."""
        rng = self.rng
        buffers = defaultdict(list)
        for node in nodes:
            first = self.member_ids.take(node.size)
            active = self.people.members_of(node, first, buffers[Member])
            if node.kind == UnitKind.AFFILIATE:
                top = self._top_of(node)
                top.staff.extend(m.id for m in active)
            else:
                self._officers(node, active)
                self._session(rng, node, active, buffers)
                if rng.random() < NOMINATING:
                    self._nominate(rng, node, active)
            self._pledges(rng, node, active, buffers)
            self._contest(rng, node, active, buffers)
        for model, _columns in CHUNK_TABLES:
            self.counts[model._meta.db_table] += len(buffers[model])
        return buffers

    def _write_chunk(self, buffers) -> None:
        """COPY a chunk's rows and commit them (in the writer thread, on its connection)."""
        began = time.perf_counter()
        if not self.session_ready.get(threading.get_ident()):
            _session_settings()
            self.session_ready[threading.get_ident()] = True
        with transaction.atomic():
            for model, columns in CHUNK_TABLES:
                step = time.perf_counter()
                copy_lines(model, columns, buffers[model])
                key = f"copy {model._meta.db_table}"
                self.timings[key] = self.timings.get(key, 0.0) + time.perf_counter() - step
            step = time.perf_counter()
        self.timings["commit"] = self.timings.get("commit", 0.0) + time.perf_counter() - step
        self.timings["copy"] = self.timings.get("copy", 0.0) + time.perf_counter() - began

    def _top_of(self, node: Node) -> Node:
        return node.place.node

    def _officers(self, node: Node, active: list[Person]) -> None:
        """Remember the chair and vice chair for the upper level's conference."""
        chairs = [
            m.id
            for m in active[:2]
            if m.position in (UnionPosition.CHAIR, UnionPosition.VICE_CHAIR)
        ]
        upper = self._upper_of(node)
        upper.officers.extend(chairs)

    def _upper_of(self, node: Node) -> Node:
        # the grassroots union's code is its upper's code and a number
        return self.by_code[node.code.rsplit("-", 1)[0]]

    def _session(self, rng, node: Node, active: list[Person], buffers) -> None:
        """The grassroots union's periodic meeting on the topic (II.3), as in the province
        demo: most unions held it; most listed who came, the others gave head counts."""
        if rng.random() >= GRASSROOTS_HELD:
            return
        share = rng.uniform(0.6, 0.95)
        with_list = rng.random() < LISTED
        present = [m for m in active if rng.random() < share] if with_list else []
        head = women = minority = in_union = 0
        if not with_list:
            head = round(len(active) * share)
            women = round(sum(1 for m in active if m.female) * share)
            minority = round(sum(1 for m in active if m.minority) * share)
            in_union = head
        elif rng.random() < GUESTS:
            head = rng.randint(1, 6)
            women = rng.randint(0, head)
            in_union = 0
        roll = rng.random()
        delivery = "online" if roll < 0.05 else "combined" if roll < 0.15 else "in_person"
        kind = "online" if delivery == "online" else "periodic"
        day = _working_day(rng, datetime.date(2024, 4, 1), datetime.date(2024, 11, 29))
        start = rng.choice(START_TIMES)
        place = (
            ""
            if delivery == "online"
            else _esc(f"Phòng họp {node.name.removeprefix('Công đoàn ')}")
        )
        session_id = self.session_ids.take()
        buffers[StudySession].append(
            f"{session_id}\t{node.id}\t{self.tasks['II.3'].pk}\t"
            f"{_esc(rng.choice(GRASSROOTS_TITLES))}\t{kind}\t{delivery}\t{day.isoformat()}\t"
            f'{start}\t{place}\t["Đoàn viên, người lao động"]\tmembers\t\\N\t{len(active)}\t'
            f"Chủ tịch công đoàn cơ sở\t{_esc(MATERIALS)}\t\t{self._code(rng)}\t0\t{head}\t"
            f"{women}\t{minority}\t{in_union}\t\\N\t{self.now}\t{self.now}\n"
        )
        buffers[EXPECTED_UNITS].append(f"{session_id}\t{node.id}\n")
        hour, minute, _ = (int(x) for x in start.split(":"))
        began = hour * 3600 + minute * 60
        qr = day >= datetime.date(2024, 9, 1)
        lines = buffers[Attendance]
        # 20 seconds apart as in the province demo, within two hours in the big unions
        step = min(20.0, 7200 / max(len(present), 1))
        for index, member in enumerate(present):
            source = "qr" if qr and index % 3 else "register"
            moment = self.day.at(day, began + int(step * index))
            lines.append(f"{session_id}\t{member.id}\t{source}\t{moment}\t\\N\n")
        self.counts["sessions_held"] += 1

    def _code(self, rng) -> str:
        while True:
            code = "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            if code not in self.codes:
                self.codes.add(code)
                return code

    def pledge_variants(self) -> None:
        """Pools of commitments, actions and evaluation results (as JSON for COPY), drawn as the
        province demo draws them; each pledge picks one of each."""
        rng = random.Random(self.seed + 5)
        pools = {**pledges_demo.POOLS, "lam-theo": LAM_THEO}
        self.commitment_variants = {False: [], True: []}
        for officer in (False, True):
            for _ in range(PLEDGE_VARIANTS):
                commitments = {}
                for code, _title, _guidance, least in pledges_demo.SECTIONS:
                    if code == "neu-guong" and not officer:
                        continue
                    pool = pools[code]
                    commitments[code] = rng.sample(
                        pool, min(len(pool), max(least, rng.randint(1, 3)))
                    )
                keys = [f"{c}:{i}" for c, items in commitments.items() for i in range(len(items))]
                text = _esc(json.dumps(commitments, ensure_ascii=False))
                self.commitment_variants[officer].append((text, keys))
        self.action_variants = []
        for _ in range(PLEDGE_VARIANTS):
            actions = rng.sample(ACTIONS, rng.randint(3, 5))
            keys = [f"action:{i}" for i in range(len(actions))]
            self.action_variants.append((_esc(json.dumps(actions, ensure_ascii=False)), keys))
        # Year-end results: for each variant a few drawn sets of results (one per item), so an
        # evaluation is two look-ups rather than a draw per item.
        values, thresholds = _cumulative((r.value, w) for r, w in pledges_demo.RESULTS)

        def drawn(keys):
            return [
                ", ".join(
                    f'"{key}": {{"result": "{values[bisect.bisect(thresholds, rng.random())]}"}}'
                    for key in keys
                )
                for _ in range(RESULT_DRAWS)
            ]

        self.commitment_results = {
            officer: [drawn(keys) for _text, keys in variants]
            for officer, variants in self.commitment_variants.items()
        }
        self.action_results = [drawn(keys) for _text, keys in self.action_variants]

    def _pledges(self, rng, node: Node, active: list[Person], buffers) -> None:
        """Pledges of the union's active members and their year-end evaluations, at the
        province demo's rates (most unions collect 75–97 %, some 40–75 %)."""
        if not active:
            return
        r = rng.random
        share = rng.uniform(0.75, 0.97) if r() < PLEDGE_COMMON_SHARE else rng.uniform(0.4, 0.75)
        template = self.templates[node.place.node.id]
        pledges, evaluations = buffers[Pledge], buffers[Evaluation]
        day = self.day
        now = self.now
        statuses = (PledgeStatus.ACCEPTED, PledgeStatus.SUBMITTED, PledgeStatus.RETURNED)
        reviewed_statuses = (PledgeStatus.ACCEPTED, PledgeStatus.RETURNED)
        for member in active:
            if r() >= share:
                continue
            roll = r()
            status = (
                statuses[0]
                if roll < 0.9
                else statuses[1]
                if roll < 0.95
                else statuses[2]
                if roll < 0.97
                else PledgeStatus.DRAFT
            )
            officer = bool(member.position)
            variant = int(r() * PLEDGE_VARIANTS)
            commitments, _keys = self.commitment_variants[officer][variant]
            action_variant = int(r() * PLEDGE_VARIANTS)
            actions, _action_keys = self.action_variants[action_variant]
            submitted = datetime.date(2024, 3, 4) + datetime.timedelta(days=int(r() * 60))
            reviewed = submitted + datetime.timedelta(days=1 + int(r() * 10))
            pledge_id = self.pledge_ids.take()
            returned = status == PledgeStatus.RETURNED
            pledges.append(
                f"{pledge_id}\t{member.id}\t{template}\t{YEAR}\t{status}\t"
                f"{'paper' if r() < 0.3 else 'online'}\t1\t\\N\tt\t{member.name}\t"
                f"{datetime.date.fromordinal(member.born).year}\t{member.job}\t"
                f"{_esc(member.unit.name)}\t\t{commitments}\t{actions}\t"
                f"{'excellent' if r() < 0.35 else 'good'}\t"
                f"{NULL if status == PledgeStatus.DRAFT else day.at(submitted, 9 * 3600)}\t{NULL}\t"
                f"{day.at(reviewed, 9 * 3600) if status in reviewed_statuses else NULL}\t"
                f"{_esc(rng.choice(pledges_demo.RETURN_COMMENTS)) if returned else ''}\t\\N\t"
                f"{now}\t{now}\n"
            )
            if status == PledgeStatus.ACCEPTED and r() < pledges_demo.RATED:
                results = (
                    self.commitment_results[officer][variant][int(r() * RESULT_DRAWS)]
                    + ", "
                    + self.action_results[action_variant][int(r() * RESULT_DRAWS)]
                )
                evaluations.append(self._evaluation(rng, pledge_id, results))

    def _evaluation(self, rng, pledge_id: int, results: str) -> str:
        r = rng.random
        final = pledges_demo._pick(rng, pledges_demo.RATING_SPREAD)
        proposed = final if r() < 0.7 else ("good" if final != "good" else "excellent")
        day = datetime.date(2024, 12, 2) + datetime.timedelta(days=int(r() * 18))
        title = final == "excellent" and r() < 0.4
        return (
            f"{pledge_id}\t{{{results}}}\t\t{proposed}\t{self.day.at(day, 8 * 3600)}\t{final}\t"
            f"{'t' if title else 'f'}\t\t\\N\t"
            f"{self.day.at(day + datetime.timedelta(days=5), 15 * 3600)}\t\\N\t\\N\n"
        )

    def _contest(self, rng, node: Node, active: list[Person], buffers) -> None:
        """Entries in the national contest: some unions mobilise their members much more than
        others (a share of 0–60 %, 20 % on average); a sixth register as workers."""
        if not active:
            return
        r = rng.random
        keen = r() ** 2 * CONTEST_SHARE * 3
        participants, attempts = buffers[Participant], buffers[Attempt]
        rounds = self.rounds
        contest = self.contest.pk
        for member in active:
            if r() >= keen:
                continue
            participant_id = self.participant_ids.take()
            worker = r() < WORKERS
            phone = member.phone or self.people.phone()
            ip = f"10.{participant_id % 200}.{int(r() * 256)}.{1 + int(r() * 254)}"
            opens = rounds[0].opens_at
            created = opens + datetime.timedelta(minutes=int(r() * 600))
            participants.append(
                f"{participant_id}\t{contest}\t{NULL if worker else member.id}\t{member.name}\t"
                f"{phone}\t{member.unit.id}\t{ip}\t{created.isoformat(sep=' ')}\n"
            )
            for number, round_ in enumerate(rounds):
                if number and r() > 0.7:
                    continue
                tries = 2 if r() < 0.25 else 1
                results = []
                for attempt_number in range(1, tries + 1):
                    results.append(self._attempt(rng, round_, attempt_number))
                best = max(range(len(results)), key=lambda i: (results[i][0], -results[i][1]))
                for index, (_score, _seconds, text) in enumerate(results):
                    attempts.append(
                        f"{participant_id}\t{round_.pk}\t{index + 1}\t"
                        f"{base64.urlsafe_b64encode(rng.getrandbits(144).to_bytes(18, 'big')).decode()}\t"
                        f"{member.unit.path}\t{text}\t{'t' if index == best else 'f'}\t{ip}\n"
                    )
                tally = self.tallies[(round_.pk, member.unit.path)]
                tally[0] += len(results)
                tally[1] += 1
                tally[2] = member.unit.id
            self.counts["participants"] += 1

    def _attempt(self, rng, round_, number) -> tuple[int, int, str]:
        """(score, seconds, the middle columns of the attempt's COPY line)."""
        r = rng.random
        days = (round_.closes_at - round_.opens_at).days
        burst = r()
        if burst < 0.3:
            start = round_.opens_at + datetime.timedelta(minutes=int(r() * 240))
        elif burst < 0.55:
            start = round_.closes_at - datetime.timedelta(minutes=30 + int(r() * 270))
        else:
            start = round_.opens_at + datetime.timedelta(minutes=int(r() * days * 24 * 60))
        questions, right, wrong = self.draws[int(r() * len(self.draws))]
        skill = rng.betavariate(6, 2)
        score = 0
        chosen = []
        for index in range(len(right)):
            if r() < skill:
                chosen.append(right[index])
                score += 1
            else:
                chosen.append(wrong[index])
        seconds = 240 + int(r() * 960)
        text = (
            f"{start.isoformat(sep=' ')}\t"
            f"{(start + datetime.timedelta(minutes=20)).isoformat(sep=' ')}\t{questions}\t"
            f"{{{', '.join(chosen)}}}\t{1_500_000 + int(r() * 4_500_000)}\tsubmitted\t"
            f"{(start + datetime.timedelta(seconds=seconds)).isoformat(sep=' ')}\t\t{score}\t"
            f"{seconds}\tf"
        )
        return score, seconds, text

    def _nominate(self, rng, node: Node, active: list[Person]) -> None:
        """One to three good examples proposed by the union; kept for the final pass."""
        count = 1 if rng.random() < 0.7 else rng.randint(2, 3)
        for _ in range(count):
            story = STORIES[rng.choice(NOMINATION_STORIES)]
            person = story[1] and bool(active)
            member = rng.choice(active) if person else None
            stage = outreach_demo._pick(rng, NOMINATION_STAGES)
            day = datetime.date(2024, 3, 1) + datetime.timedelta(days=rng.randrange(240))
            self.nominations.append((node, member, story, stage, day, rng.random() < 0.5))

    # 5. The upper levels' conferences, honors, tallies -----------------------------------

    def write_conferences(self) -> None:
        rng = self.rng
        lines, attendance = [], []
        ii1 = self.tasks["II.1"].pk
        for top in self.tops:
            uppers = [u for u in top.children if u.kind == UnitKind.UPPER]
            listed = [m for m in top.staff if rng.random() < 0.9]
            listed += [m for m in top.officers if rng.random() < 0.85]
            head = round(len(uppers) * rng.uniform(1.6, 1.9))
            expected_count = len(top.staff) + len(top.officers) + 2 * len(uppers)
            day = datetime.date(2024, 3, rng.randint(4, 15))
            while day.weekday() >= 5:
                day -= datetime.timedelta(days=1)
            lines.append(
                self._conference(
                    top,
                    ii1,
                    "Hội nghị học tập, quán triệt và triển khai Chuyên đề năm 2024",
                    day,
                    "07:30:00",
                    f"Hội trường {top.short_name or top.name}",
                    expected_count,
                    "Báo cáo viên Ban Tuyên giáo Trung ương\\nLãnh đạo Ban Tuyên giáo Tổng Liên đoàn",
                    head,
                    listed,
                    attendance,
                )
            )
            for upper in uppers:
                late = rng.random() < UPPER_LATE
                day = (
                    _working_day(rng, datetime.date(2024, 4, 8), datetime.date(2024, 5, 24))
                    if late
                    else _working_day(rng, datetime.date(2024, 3, 14), datetime.date(2024, 3, 29))
                )
                guests = rng.randint(3, 12) if rng.random() < 0.3 else 0
                present_share = rng.uniform(0.8, 0.97)
                lines.append(
                    self._conference(
                        upper,
                        ii1,
                        "Hội nghị học tập, quán triệt Chuyên đề năm 2024",
                        day,
                        rng.choice(START_TIMES[:2]),
                        f"Hội trường {upper.short_name or upper.name}",
                        max(len(upper.officers), 10),
                        f"Báo cáo viên {top.short_name}",
                        guests,
                        [m for m in upper.officers if rng.random() < present_share],
                        attendance,
                    )
                )
        with transaction.atomic():
            self.counts[StudySession._meta.db_table] += copy_lines(
                StudySession, SESSION_COLUMNS, lines
            )
            self.counts[Attendance._meta.db_table] += copy_lines(
                Attendance, ATTENDANCE_COLUMNS, attendance
            )
        self.say(f"wrote {len(lines):,} conferences of the provincial and upper levels")

    def _conference(
        self, unit, task, title, day, start, place, expected, speakers, head, listed, attendance
    ) -> str:
        session_id = self.session_ids.take()
        hour, minute, _ = (int(x) for x in start.split(":"))
        for index, member_id in enumerate(listed):
            attendance.append(
                f"{session_id}\t{member_id}\tregister\t"
                f"{self.day.at(day, hour * 3600 + minute * 60 + 20 * index)}\t\\N\n"
            )
        return (
            f"{session_id}\t{unit.id}\t{task}\t{_esc(title)}\tconference\tin_person\t"
            f"{day.isoformat()}\t{start}\t{_esc(place)}\t"
            f'["Chủ tịch, Phó Chủ tịch công đoàn cấp dưới"]\tnumber\t{expected}\t{expected}\t'
            f"{speakers}\t{_esc(MATERIALS)}\t\t{self._code(self.rng)}\t0\t{head}\t"
            f"{round(head * 0.4)}\t{round(head * 0.12)}\t{head}\t\\N\t{self.now}\t{self.now}\n"
        )

    def write_tallies(self) -> None:
        lines = [
            f"{round_id}\t{unit_id}\t{path}\t0\t{entries}\t{entrants}\n"
            for (round_id, path), (entries, entrants, unit_id) in sorted(self.tallies.items())
        ]
        with transaction.atomic():
            self.counts["tallies"] += copy_lines(UnitTally, TALLY_COLUMNS, lines)
        self.say(f"wrote {len(lines):,} contest tallies")

    def write_honors(self) -> None:
        """Nominations at every stage of their way up, their steps, and the upper levels'
        Giấy khen decisions for the granted ones (as the honors services leave them)."""
        rng = self.rng
        ids = Ids(Nomination, 10_000)
        decision_ids = Ids(AwardDecision, 1_000)
        task = self.tasks["II.4"].pk
        admin = self.admin
        actor_name = _esc(admin.get_full_name() or admin.get_username())
        nominations, steps, decisions, awards = [], [], [], []
        granted: dict[int, list] = defaultdict(list)
        at = self.day.at
        for node, member, story, stage, day, showcase in self.nominations:
            category, person, title, text, figures, _colours = story
            upper = self._upper_of(node)
            reviewer = upper  # an upper-level union, or the sector union itself
            province = node.place.node
            if reviewer.kind == UnitKind.PROVINCE:
                stage = {"granted": "praised", "forwarded": "forwarded_tld"}.get(stage, stage)
            pronoun = "chị" if member is not None and member.female else "anh"
            achievement = text.format(p=pronoun, P=pronoun.capitalize())
            home = member.unit if member is not None else node
            nominee = member.name if member is not None else _esc(node.name)
            nomination_id = ids.take()
            moves = [("submit", node, reviewer, "")]
            status, holder = NominationStatus.SUBMITTED, reviewer
            if stage == "kept":
                moves = [("submit", node, node, "")]
                holder = node
            elif stage == "returned":
                moves.append(("return", reviewer, node, _esc(_RETURN)))
                status, holder = NominationStatus.RETURNED, node
            elif stage == "rejected":
                moves.append(("reject", reviewer, reviewer, _esc(_REJECT)))
                status = NominationStatus.REJECTED
            elif stage in ("forwarded", "praised", "forwarded_tld"):
                if reviewer.kind == UnitKind.UPPER:
                    moves.append(("forward", reviewer, province, "Đề nghị xem xét, biểu dương."))
                    status, holder = NominationStatus.FORWARDED, province
                if stage == "praised":
                    moves.append(("praise", holder, holder, ""))
                    status = NominationStatus.PRAISED
                elif stage == "forwarded_tld":
                    moves.append(
                        ("forward", holder, self.root, "Đề nghị Tổng Liên đoàn tặng Bằng khen.")
                    )
                    status = NominationStatus.FORWARDED_TLD
                    holder = None
            elif stage == "granted":
                granted[reviewer.id].append((nomination_id, member, node))
                status = NominationStatus.GRANTED
            holder_id = self.root.pk if holder is None else holder.id
            search = fold(
                " ".join(
                    p
                    for p in (
                        member.name if member else node.name,
                        title,
                        achievement[:2000],
                        home.name,
                        home.short_name,
                    )
                    if p
                )
            )
            nominations.append(
                f"{nomination_id}\t{node.id}\t{holder_id}\t"
                f"{NomineeKind.PERSON if member else NomineeKind.COLLECTIVE}\t"
                f"{_n(member.id if member else None)}\t{_n(None if member else node.id)}\t"
                f"{nominee}\t{member.job if member else ''}\t{category}\t{_esc(title)}\t"
                f"{_esc(achievement)}\t{_esc(figures)}\t{task}\tTổng kết Chuyên đề năm 2024\t"
                f"{YEAR}\t{status}\t{'t' if showcase else 'f'}\t\t{_esc(search)}\t"
                f"{day.isoformat()}\t\\N\t{self.now}\t{self.now}\n"
            )
            when = day
            for action, source, target, comment in moves:
                target_id = self.root.pk if target is self.root else target.id
                steps.append(
                    f"{nomination_id}\t{action}\t{admin.pk}\t{actor_name}\t{at(when, 9 * 3600)}\t"
                    f"{comment}\t{source.id}\t{target_id}\n"
                )
                when += datetime.timedelta(days=rng.randint(3, 9))
        by_id = {u.id: u for u in self.units}
        for unit_id, chosen in sorted(granted.items()):
            unit = by_id[unit_id]
            decision_id = decision_ids.take()
            day = datetime.date(2024, 12, rng.randint(2, 20))
            decisions.append(
                f"{decision_id}\t{unit_id}\t{AwardKind.GIAY_KHEN}\t{rng.randint(20, 180)}/QĐ-LĐLĐ\t"
                f"{day.isoformat()}\ttiêu biểu trong học tập và làm theo tư tưởng, đạo đức, phong"
                f" cách Hồ Chí Minh năm 2024\tTổng kết Chuyên đề năm 2024\tf\tTM. BAN THƯỜNG VỤ\t"
                f"Chủ tịch\t{_esc(names.person_name(rng, 'Kinh', rng.random() < 0.4))}\t"
                f"{admin.pk}\t{self.now}\n"
            )
            label = f"Quyết định số …/QĐ-LĐLĐ ngày {day:%d/%m/%Y}"
            for position, (nomination_id, member, node) in enumerate(chosen, start=1):
                awards.append(
                    f"{decision_id}\t{nomination_id}\t{_n(member.id if member else None)}\t"
                    f"{_n(None if member else node.id)}\t{position}\tf\n"
                )
                steps.append(
                    f"{nomination_id}\t{StepAction.GRANT}\t{admin.pk}\t{actor_name}\t"
                    f"{at(day, 10 * 3600)}\t{label}\t{unit.id}\t{unit.id}\n"
                )
        with transaction.atomic():
            self.counts["nominations"] += copy_lines(Nomination, NOMINATION_COLUMNS, nominations)
            copy_lines(NominationStep, STEP_COLUMNS, steps)
            self.counts["decisions"] += copy_lines(AwardDecision, DECISION_COLUMNS, decisions)
            self.counts["awards"] += copy_lines(Award, AWARD_COLUMNS, awards)
        ids.release()
        decision_ids.release()
        self.say(
            f"wrote {len(nominations):,} nominations, {len(decisions):,} award decisions, "
            f"{len(awards):,} awards"
        )

    # 6. Reports of the provincial federations to the Confederation ------------------------

    def write_reports(self) -> None:
        from chuyende.reports import demo as reports_demo
        from chuyende.reports.choices import ReportStatus

        rng = random.Random(self.seed + 11)
        periods = {p.code: p for p in ReportingPeriod.objects.filter(code__in=REPORT_PERIODS)}
        provinces = list(
            Unit.objects.filter(
                path__startswith=self.root.path, depth=2, kind=UnitKind.PROVINCE
            ).order_by("path")
        )
        forms = {f.period_kind: f for f in self.forms if f.reporting_kind == UnitKind.PROVINCE}
        history: dict[int, tuple] = {}
        bulk = reports_demo._Bulk()
        for code in REPORT_PERIODS:
            period = periods[code]
            form = forms.get(period.kind)
            if form is None:
                continue
            began = time.perf_counter()
            figures = reports_demo._figures_by_unit(
                form, period, provinces, root=self.root, plan=self.plan
            )
            self.say(
                f"  report figures of {len(provinces)} provinces for {code}: {time.perf_counter() - began:.1f} s"
            )
            order = list(provinces)
            rng.shuffle(order)
            for index, unit in enumerate(order):
                state = (
                    REPORT_STATES[index]
                    if index < len(REPORT_STATES)
                    else rng.choices(REPORT_STATES, REPORT_WEIGHTS[code])[0]
                )
                bulk.add(
                    state,
                    form=form,
                    period=period,
                    unit=unit,
                    figures=figures[unit.path],
                    author=self.admin,
                    reviewer=self.admin,
                    rng=rng,
                    history=history,
                )
        with transaction.atomic():
            reports = bulk.write(rng)
            reports_demo._write_narratives(reports, history, rng)
        self.counts["reports"] = len(reports)
        by_status = defaultdict(int)
        for report in reports:
            by_status[report.status] += 1
        self.say(
            f"wrote {len(reports)} reports to the Confederation ("
            + ", ".join(f"{by_status.get(s, 0)} {s}" for s in ReportStatus.values)
            + f"), {len(bulk.values):,} figures"
        )

    # The whole ------------------------------------------------------------------------------

    def run(self) -> None:
        check_columns()
        _session_settings()
        self.session_ready = {threading.get_ident(): True}
        self.plan_tree()
        self.by_code = {
            u.code: u for u in self.units if u.kind in (UnitKind.UPPER, UnitKind.PROVINCE)
        }
        self.write_units()
        self.setup()
        began = time.perf_counter()
        drop_heavy_indexes(self.stdout)
        try:
            self.write_assignments()
            self.write_posts()
            self.write_members()
            self.write_conferences()
            self.write_tallies()
            self.write_honors()
            self.timings["load"] = time.perf_counter() - began
        finally:
            began = time.perf_counter()
            self.say("recreating the indexes and foreign keys of the big tables")
            restore_indexes(self.stdout)
            self.timings["indexes"] = time.perf_counter() - began
        began = time.perf_counter()
        sessions = study_counts.recount_all()  # before VACUUM: it rewrites attendance rows
        self.timings["study_counts"] = time.perf_counter() - began
        self.say(f"counted the listed members of {sessions:,} study sessions")
        began = time.perf_counter()
        if connection.in_atomic_block:
            refresh_statistics()
        else:
            with connection.cursor() as cursor:
                for model in HEAVY_MODELS:  # sets the visibility map for index-only scans
                    cursor.execute(f'VACUUM (ANALYZE) "{model._meta.db_table}"')
            refresh_statistics()
        self.timings["analyze"] = time.perf_counter() - began
        self.say(f"vacuumed and analysed in {self.timings['analyze']:.1f} s")
        began = time.perf_counter()
        counted = tallies.rebuild()
        self.timings["tallies"] = time.perf_counter() - began
        self.say(
            f"recounted the member and unit tallies ({counted['member_tally_rows']:,} and "
            f"{counted['unit_tally_rows']:,} rows) in {self.timings['tallies']:.1f} s"
        )
        began = time.perf_counter()
        counted = pledge_tallies.rebuild()  # the pledge figures and the pledge list's counts
        self.timings["pledge_tallies"] = time.perf_counter() - began
        self.say(
            f"recounted the pledge tallies ({counted['pledge_tally_rows']:,} rows) in "
            f"{self.timings['pledge_tallies']:.1f} s"
        )
        began = time.perf_counter()
        counted = assignment_tallies.rebuild()  # the reports dashboard's overdue tasks
        self.timings["assignment_tallies"] = time.perf_counter() - began
        self.say(
            f"recounted the open-assignment tallies ({counted['assignment_tally_rows']:,} rows)"
            f" in {self.timings['assignment_tallies']:.1f} s"
        )
        self.write_reports()


def _working_day(rng, start: datetime.date, end: datetime.date) -> datetime.date:
    day = start + datetime.timedelta(days=rng.randrange((end - start).days + 1))
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return day


def _close_connection() -> None:
    connection.close()


def _session_settings() -> None:
    """Settings of the connection writing the data set (for this session only)."""
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute("SET max_parallel_maintenance_workers = 0")
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    _renice(backend)


def _renice(pid: int) -> None:
    """Give the database process serving this build the build's own niceness (`nice -n 10
    chuyende demo --scale national` keeps the machine usable), where permitted."""
    try:
        mine = os.getpriority(os.PRIO_PROCESS, 0)
        if mine > 0 and os.getpriority(os.PRIO_PROCESS, pid) < mine:
            os.setpriority(os.PRIO_PROCESS, pid, mine)
    except (OSError, AttributeError):
        pass


_RETURN = (
    "Đề nghị bổ sung số liệu cụ thể về kết quả đạt được và ảnh hoạt động; ghi rõ chức vụ, "
    "đơn vị công tác của người được đề nghị."
)
_REJECT = "Thành tích chưa tiêu biểu so với tiêu chí biểu dương của đợt tổng kết."


# --- Removing it ---------------------------------------------------------------------------------


def delete_national(stdout=None) -> int:
    """Remove the national data set: its units and every row that depends on them, plus the
    Confederation's national plan and contest, in one transaction of set-based deletes (the
    ORM's cascade would read millions of rows). Rows that merely point at a removed row through
    a nullable SET_NULL key are kept and unlinked. Returns the number of rows removed."""
    units = national_units()
    plan = national_plan()
    if not units.exists() and plan is None:
        return 0
    began = time.perf_counter()
    paths = list(units.values_list("path", flat=True))
    models = [m for m in apps.get_models(include_auto_created=True) if not m._meta.proxy]
    pending: dict = {}  # model -> SQL selecting the ids to delete
    unit_table = Unit._meta.db_table
    pending[Unit] = (
        " OR ".join(f"{connection.ops.quote_name('path')} LIKE '{p}%'" for p in paths) or "FALSE"
    )
    pending[Unit] = f"SELECT id FROM {unit_table} WHERE {pending[Unit]}"
    seeds = []
    if plan is not None:
        seeds.append((Plan, f"SELECT id FROM {Plan._meta.db_table} WHERE id = {int(plan.pk)}"))
    contest = Contest.objects.filter(unit__code=ROOT_CODE, title=CONTEST_TITLE).first()
    if contest is not None:
        seeds.append(
            (Contest, f"SELECT id FROM {Contest._meta.db_table} WHERE id = {int(contest.pk)}")
        )
    with transaction.atomic(), connection.cursor() as cursor:
        temp = {}

        def table_for(model):
            if model not in temp:
                name = f"del_{model._meta.db_table}"[:60]
                cursor.execute(f'DROP TABLE IF EXISTS "{name}"')
                cursor.execute(f'CREATE TEMP TABLE "{name}" (id bigint PRIMARY KEY) ON COMMIT DROP')
                temp[model] = name
            return temp[model]

        def add(model, select) -> int:
            name = table_for(model)
            cursor.execute(
                f'INSERT INTO "{name}" SELECT x.id FROM ({select}) x '
                f"WHERE x.id IS NOT NULL ON CONFLICT DO NOTHING"
            )
            return cursor.rowcount

        fresh = {Unit: add(Unit, pending[Unit])}
        for model, select in seeds:
            fresh[model] = add(model, select)
        edges = [
            (model, f)
            for model in models
            for f in model._meta.concrete_fields
            if f.is_relation and f.related_model is not None
        ]
        nulls = []
        while fresh:  # until no table gains rows: only the keys into tables that just grew
            gained = {}
            for model, f in edges:
                if not fresh.get(f.related_model):
                    continue
                if f.remote_field.on_delete is SET_NULL and f.null:
                    if (model, f) not in nulls:
                        nulls.append((model, f))
                    continue
                found = add(
                    model,
                    f'SELECT "{model._meta.pk.column}" AS id FROM "{model._meta.db_table}" '
                    f'WHERE "{f.column}" IN (SELECT id FROM "{temp[f.related_model]}")',
                )
                if found:
                    gained[model] = gained.get(model, 0) + found
            fresh = gained
        for model, f in nulls:
            parent = temp[f.related_model]
            cursor.execute(
                f'UPDATE "{model._meta.db_table}" SET "{f.column}" = NULL '
                f'WHERE "{f.column}" IN (SELECT id FROM "{parent}")'
            )
        removed = 0
        for model, name in temp.items():
            cursor.execute(
                f'DELETE FROM "{model._meta.db_table}" WHERE "{model._meta.pk.column}" IN '
                f'(SELECT id FROM "{name}")'
            )
            removed += cursor.rowcount
        root = Unit.objects.get(code=ROOT_CODE)
        children = Unit.objects.filter(path__startswith=root.path, depth=root.depth + 1).count()
        Unit.objects.filter(pk=root.pk).update(numchild=children)
    tallies.rebuild()  # the ancestors' member and unit counts
    pledge_tallies.rebuild()  # and their pledges
    assignment_tallies.rebuild()  # and their open assignments
    _say(
        stdout,
        f"Removed the national data set: {removed:,} rows in {time.perf_counter() - began:.1f} s.",
    )
    return removed


# --- Entry point ---------------------------------------------------------------------------------

COUNTED = (
    Unit,
    Member,
    Assignment,
    StudySession,
    Attendance,
    OutreachPost,
    PledgeTemplate,
    Pledge,
    Evaluation,
    Contest,
    Participant,
    Attempt,
    UnitTally,
    Nomination,
    NominationStep,
    AwardDecision,
    Award,
    Report,
)


def table_counts() -> dict[str, int]:
    """Rows of each table the national data set fills (exact counts)."""
    found = {}
    with connection.cursor() as cursor:
        for model in COUNTED:
            cursor.execute(f'SELECT count(*) FROM "{model._meta.db_table}"')
            found[model._meta.db_table] = cursor.fetchone()[0]
        from chuyende.reports.models import ReportValue

        cursor.execute(f'SELECT count(*) FROM "{ReportValue._meta.db_table}"')
        found[ReportValue._meta.db_table] = cursor.fetchone()[0]
    return found


def database_size() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return cursor.fetchone()[0]


def build_national(
    *,
    fraction: float = 1.0,
    reset: bool = False,
    demo_scale: float = 1.0,
    figures: bool = True,
    stdout=None,
    seed: int = SEED,
) -> dict:
    """Build the national data set unless it is there (see the module doc).

    Returns {"built": bool, "fraction", "seconds", "timings": {step: seconds},
    "database_size": bytes, "tables": {table: rows}, "units": {kind: count}, "members"}.
    """
    if connection.vendor != "postgresql":
        raise NationalScaleError(
            "The national data set is PostgreSQL only (it is written with COPY and sized for "
            "11 million members): set DATABASE_URL to a PostgreSQL database."
        )
    if not 0 < fraction <= 1:
        raise NationalScaleError("fraction must be greater than 0 and at most 1")
    started = time.perf_counter()
    restored = restore_indexes(stdout)
    if restored:
        _say(
            stdout,
            f"Restored {restored} indexes and constraints left dropped by an interrupted build.",
        )
    build_demo(scale=demo_scale, stdout=stdout)
    if reset:
        delete_national(stdout)
    state = national_state()
    built = state == "absent"
    timings = {}
    if state == "complete":
        _say(
            stdout, "The national data set is already loaded; keeping it (use --reset to rebuild)."
        )
    elif state == "incomplete":
        raise NationalScaleError(
            "An earlier national build did not finish: run it again with --reset to remove it "
            "and build it anew."
        )
    else:
        _say(stdout, f"Building the national data set (fraction {fraction:g})…")
        build = Build(fraction=fraction, seed=seed, stdout=stdout)
        build.run()
        timings = dict(build.timings)
        if figures and getattr(settings, "FIGURES_STORED", False):
            from chuyende.reports.figures import refresh_all

            began = time.perf_counter()
            sets = refresh_all()
            timings["figures"] = time.perf_counter() - began
            build.say(
                f"stored report figures: {sum(s.rows for s in sets):,} rows for {len(sets)} "
                f"sets in {timings['figures']:.1f} s"
            )
    by_kind = dict(
        Unit.objects.order_by().values("kind").annotate(n=Count("id")).values_list("kind", "n")
    )
    tables = table_counts()
    return {
        "built": built,
        "fraction": fraction,
        "seconds": time.perf_counter() - started,
        "timings": timings,
        "database_size": database_size(),
        "tables": tables,
        "units": {kind: by_kind[kind] for kind in UnitKind.values if kind in by_kind},
        "members": tables[Member._meta.db_table],
    }
