"""Đắk Lắk as it stood in 2024: districts with their communes, and the province's own units.

Communes and wards are the real ones of each district before the 2025 reorganisation; the
ethnic mix of each district follows its real character (Ê Đê and M'Nông villages in the rural
west and south, J'rai in the north-west, Tày, Nùng, Dao and Mông migrants in the east).
"""

from dataclasses import dataclass, field

PROVINCE_NAME = "Liên đoàn Lao động tỉnh Đắk Lắk"
PROVINCE_SHORT_NAME = "LĐLĐ tỉnh Đắk Lắk"


@dataclass(frozen=True)
class District:
    code: str
    level: str  # "thành phố", "thị xã" or "huyện"
    name: str
    communes: tuple[tuple[str, str], ...]  # (xã / phường / thị trấn, name)
    grassroots: int  # grassroots unions at scale 1
    ethnic_profile: str
    coffee_companies: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """'thành phố Buôn Ma Thuột', 'huyện Ea Kar'."""
        return f"{self.level} {self.name}"

    @property
    def short_label(self) -> str:
        """'TP. Buôn Ma Thuột', 'TX. Buôn Hồ', 'huyện Ea Kar'."""
        prefix = {"thành phố": "TP.", "thị xã": "TX."}.get(self.level, self.level)
        return f"{prefix} {self.name}"

    @property
    def seat(self) -> tuple[str, str]:
        """The commune or ward where the district offices stand."""
        return self.communes[0]


def _communes(text: str) -> tuple[tuple[str, str], ...]:
    """'phường: Tân Lập, Tân Hòa; xã: Ea Tu' -> (('phường', 'Tân Lập'), ...)."""
    result = []
    for group in text.split(";"):
        level, names = group.split(":")
        result.extend((level.strip(), name.strip()) for name in names.split(","))
    return tuple(result)


DISTRICTS: tuple[District, ...] = (
    District(
        "BMT",
        "thành phố",
        "Buôn Ma Thuột",
        _communes(
            "phường: Tân Lợi, Tân Lập, Tân Hòa, Tân An, Thống Nhất, Thành Nhất, Thắng Lợi,"
            " Thành Công, Tân Thành, Tân Tiến, Tự An, Ea Tam, Khánh Xuân;"
            " xã: Hòa Thuận, Cư Êbur, Ea Tu, Hòa Thắng, Ea Kao, Hòa Phú, Hòa Khánh, Hòa Xuân"
        ),
        320,
        "city",
        ("Công ty CP Cà phê Buôn Ma Thuột", "Công ty TNHH MTV Cà phê Việt Đức"),
    ),
    District(
        "BHO",
        "thị xã",
        "Buôn Hồ",
        _communes(
            "phường: An Lạc, An Bình, Bình Tân, Đạt Hiếu, Đoàn Kết, Thiện An, Thống Nhất;"
            " xã: Bình Thuận, Cư Bao, Ea Blang, Ea Drông, Ea Siên"
        ),
        80,
        "central",
        ("Công ty TNHH MTV Cà phê Buôn Hồ",),
    ),
    District(
        "BDO",
        "huyện",
        "Buôn Đôn",
        _communes("xã: Ea Wer, Krông Na, Ea Huar, Tân Hòa, Cuôr Knia, Ea Bar, Ea Nuôl"),
        50,
        "buon_don",
    ),
    District(
        "CKU",
        "huyện",
        "Cư Kuin",
        _communes("xã: Dray Bhăng, Ea Ktur, Ea Tiêu, Ea Bhốk, Ea Hu, Cư Êwi, Ea Ning, Hòa Hiệp"),
        70,
        "central",
        ("Công ty TNHH MTV Cà phê Ea Tiêu", "Công ty TNHH MTV Cà phê Ea Ktur"),
    ),
    District(
        "CMG",
        "huyện",
        "Cư M'gar",
        _communes(
            "thị trấn: Quảng Phú, Ea Pốk; xã: Ea Drơng, Ea H'đing, Ea Kiết, Ea Kpam, Ea Kuêh,"
            " Ea M'Droh, Ea M'nang, Ea Tar, Ea Tul, Cư Dliê M'nông, Cư M'gar, Cư Suê,"
            " Cuôr Đăng, Quảng Hiệp"
        ),
        100,
        "cu_mgar",
        ("Công ty TNHH MTV Cà phê Ea Pốk", "Công ty TNHH MTV Cà phê Ea H'đing"),
    ),
    District(
        "EHL",
        "huyện",
        "Ea H'leo",
        _communes(
            "thị trấn: Ea Drăng; xã: Ea H'leo, Ea Sol, Ea Ral, Ea Wy, Cư A Mung, Cư Mốt,"
            " Dliê Yang, Ea Hiao, Ea Khăl, Ea Nam, Ea Tir"
        ),
        75,
        "ea_hleo",
    ),
    District(
        "EKA",
        "huyện",
        "Ea Kar",
        _communes(
            "thị trấn: Ea Kar, Ea Knốp; xã: Ea Đar, Ea Kmút, Cư Huê, Ea Ô, Cư Ni, Ea Păl,"
            " Cư Prông, Ea Sô, Ea Sar, Xuân Phú, Cư Bông, Cư Jang, Cư Elang, Ea Tíh"
        ),
        100,
        "ea_kar",
        ("Công ty TNHH MTV Cà phê 720", "Công ty TNHH MTV Cà phê 721"),
    ),
    District(
        "ESU",
        "huyện",
        "Ea Súp",
        _communes(
            "thị trấn: Ea Súp; xã: Ea Lê, Cư KBang, Ea Bung, Cư M'Lan, Ea Rốk, Ia Lốp,"
            " Ia JLơi, Ia Rvê, Ya Tờ Mốt"
        ),
        50,
        "ea_sup",
    ),
    District(
        "KAN",
        "huyện",
        "Krông Ana",
        _communes(
            "thị trấn: Buôn Trấp; xã: Bình Hòa, Quảng Điền, Dray Sáp, Ea Na, Ea Bông,"
            " Băng A Drênh, Dur KMăl"
        ),
        60,
        "krong_ana",
        ("Công ty TNHH MTV Cà phê Krông Ana",),
    ),
    District(
        "KBO",
        "huyện",
        "Krông Bông",
        _communes(
            "thị trấn: Krông Kmar; xã: Dang Kang, Cư Kty, Hòa Thành, Hòa Tân, Hòa Phong,"
            " Hòa Lễ, Yang Reh, Ea Trul, Khuê Ngọc Điền, Cư Pui, Hòa Sơn, Cư Drăm, Yang Mao"
        ),
        60,
        "krong_bong",
    ),
    District(
        "KBU",
        "huyện",
        "Krông Búk",
        _communes("xã: Pơng Drang, Cư Né, Chư Kbô, Ea Sin, Cư Pơng, Ea Ngai, Tân Lập"),
        50,
        "north",
        ("Công ty TNHH MTV Cà phê 52",),
    ),
    District(
        "KNA",
        "huyện",
        "Krông Năng",
        _communes(
            "thị trấn: Krông Năng; xã: Ea Tóh, Ea Tân, Phú Lộc, Ea Hồ, Phú Xuân, Ea Dăh,"
            " Tam Giang, Ea Púk, Ea Đah, Cư Klông, Đliê Ya"
        ),
        80,
        "north",
        ("Công ty TNHH MTV Cà phê 49",),
    ),
    District(
        "KPA",
        "huyện",
        "Krông Pắc",
        _communes(
            "thị trấn: Phước An; xã: Ea Kly, Ea Kênh, Ea Phê, Ea KNuêc, Ea Yông, Hòa An,"
            " Krông Búk, Tân Tiến, Ea Kuăng, Ea Hiu, Hòa Tiến, Vụ Bổn, Ea Uy, Hòa Đông,"
            " Ea Yiêng"
        ),
        110,
        "central",
        ("Công ty TNHH MTV Cà phê Thắng Lợi", "Công ty TNHH MTV Cà phê Phước An"),
    ),
    District(
        "LAK",
        "huyện",
        "Lắk",
        _communes(
            "thị trấn: Liên Sơn; xã: Yang Tao, Bông Krang, Đắk Liêng, Buôn Triết, Buôn Tría,"
            " Đắk Phơi, Đắk Nuê, Krông Nô, Nam Ka, Ea R'Bin"
        ),
        50,
        "lak",
    ),
    District(
        "MDR",
        "huyện",
        "M'Đrắk",
        _communes(
            "thị trấn: M'Đrắk; xã: Cư Prao, Ea Pil, Cư M'ta, Krông Jing, Ea Lai, Cư Króa,"
            " Ea Trang, Krông Á, Cư San, Ea H'MLay, Ea M'Doal, Ea Riêng"
        ),
        55,
        "mdrak",
    ),
)

# Ethnic mix of the members of each kind of place (percent, in the order of ETHNIC_GROUPS).
ETHNIC_GROUPS = ("Kinh", "Ê Đê", "M'Nông", "Gia Rai", "Tày", "Nùng", "Thái", "Mường", "Dao", "Mông")
ETHNIC_PROFILES: dict[str, tuple[float, ...]] = {
    "city": (79, 11, 1.5, 1, 2.5, 2.5, 1, 1, 0.3, 0.2),
    "central": (70, 19, 2, 1, 3, 3, 1, 0.5, 0.3, 0.2),
    "buon_don": (50, 25, 12, 4, 3, 3, 1.5, 1, 0.3, 0.2),
    "cu_mgar": (54, 34, 1, 1, 4, 4, 1, 1, 0, 0),
    "ea_hleo": (58, 15, 0, 13, 4, 5, 2, 1.5, 0.8, 0.7),
    "ea_kar": (68, 12, 1, 0, 6, 6, 3, 2, 1.5, 0.5),
    "ea_sup": (52, 12, 4, 15, 5, 5, 2, 2, 1, 2),
    "krong_ana": (67, 22, 5, 0, 2, 2, 1, 1, 0, 0),
    "krong_bong": (52, 26, 6, 0, 5, 5, 1, 2, 1.5, 1.5),
    "north": (63, 18, 0, 1, 7, 7, 2, 1.5, 0.5, 0),
    "lak": (44, 16, 30, 1, 3, 3, 1, 1, 0.5, 0.5),
    "mdrak": (54, 21, 1, 0, 6, 6, 2, 2, 4, 4),
    "province": (77, 12, 2.5, 2, 2, 2, 1, 1, 0.3, 0.2),
    "industrial": (70, 14, 3, 2, 4, 4, 1.5, 1, 0.3, 0.2),
}


# The provincial federation's own departments (ban chuyên đề): (code suffix, name).
DEPARTMENTS = (
    ("TGNC", "Ban Tuyên giáo – Nữ công"),
    ("TOCHUC", "Ban Tổ chức"),
    ("CSPL", "Ban Chính sách – Pháp luật"),
    ("VP", "Văn phòng"),
    ("TAICHINH", "Ban Tài chính"),
    ("UBKT", "Ủy ban Kiểm tra"),
)

# The federation's own office, public-service and economic units:
# (code suffix, sub-kind, name, short name, members at scale 1).
AFFILIATES = (
    ("CQ", "office", "Cơ quan Liên đoàn Lao động tỉnh Đắk Lắk", "Cơ quan LĐLĐ tỉnh", 46),
    ("NVH", "public_service", "Nhà Văn hóa Lao động tỉnh Đắk Lắk", "Nhà Văn hóa Lao động", 14),
    (
        "TTTV",
        "public_service",
        "Trung tâm Tư vấn pháp luật Công đoàn tỉnh Đắk Lắk",
        "Trung tâm Tư vấn pháp luật CĐ",
        9,
    ),
    ("KS", "economic", "Khách sạn Công đoàn Đắk Lắk", "Khách sạn Công đoàn", 27),
)


@dataclass(frozen=True)
class Sector:
    """An upper-level union that is not a district federation."""

    code: str
    sub_kind: str
    name: str
    short_name: str
    grassroots: int  # grassroots unions at scale 1
    ethnic_profile: str = "province"
    recipe: tuple[tuple[str, float], ...] = field(default=())


SECTORS: tuple[Sector, ...] = (
    Sector(
        "GD",
        "sector",
        "Công đoàn Giáo dục tỉnh Đắk Lắk",
        "CĐ Giáo dục tỉnh",
        170,
        recipe=(("thpt", 0.7), ("gdtx", 0.1), ("college", 0.05), ("education_office", 0.01)),
    ),
    Sector(
        "YT",
        "sector",
        "Công đoàn ngành Y tế tỉnh Đắk Lắk",
        "CĐ ngành Y tế",
        55,
        recipe=(
            ("district_health_centre", 0.35),
            ("provincial_health", 0.35),
            ("private_clinic", 0.3),
        ),
    ),
    Sector(
        "NN",
        "sector",
        "Công đoàn ngành Nông nghiệp và PTNT tỉnh Đắk Lắk",
        "CĐ ngành Nông nghiệp và PTNT",
        55,
        recipe=(("agriculture_agency", 0.35), ("forest_ranger", 0.3), ("state_farm", 0.35)),
    ),
    Sector(
        "GTVT",
        "sector",
        "Công đoàn ngành Giao thông vận tải tỉnh Đắk Lắk",
        "CĐ ngành Giao thông vận tải",
        25,
        recipe=(("transport_agency", 0.4), ("transport_company", 0.6)),
    ),
    Sector(
        "XD",
        "sector",
        "Công đoàn ngành Xây dựng tỉnh Đắk Lắk",
        "CĐ ngành Xây dựng",
        30,
        recipe=(("construction_agency", 0.3), ("construction_company", 0.7)),
    ),
    Sector(
        "CT",
        "sector",
        "Công đoàn ngành Công Thương tỉnh Đắk Lắk",
        "CĐ ngành Công Thương",
        30,
        recipe=(("trade_agency", 0.3), ("trade_company", 0.7)),
    ),
    Sector(
        "VC",
        "civil_servants",
        "Công đoàn Viên chức tỉnh Đắk Lắk",
        "CĐ Viên chức tỉnh",
        75,
        recipe=(("provincial_agency", 1.0),),
    ),
    Sector(
        "KCN",
        "industrial_zone",
        "Công đoàn các Khu công nghiệp tỉnh Đắk Lắk",
        "CĐ các KCN tỉnh",
        50,
        "industrial",
        recipe=(("industrial_company", 1.0),),
    ),
)

# What a district federation's grassroots unions are: (category, share).
DISTRICT_RECIPE = (
    ("commune_admin", 0.2),
    ("district_agency", 0.1),
    ("kindergarten", 0.15),
    ("primary_school", 0.2),
    ("secondary_school", 0.12),
    ("boarding_school", 0.01),
    ("commune_clinic", 0.05),
    ("coffee_company", 0.02),
    ("cooperative", 0.05),
    ("private_company", 0.1),
)

# Offices of a district (or the city) with their own grassroots union.
DISTRICT_AGENCIES = (
    "Cơ quan {party}",
    "Văn phòng HĐND và UBND {district}",
    "Phòng Giáo dục và Đào tạo {district}",
    "Cơ quan Ủy ban MTTQ Việt Nam và các đoàn thể {district}",
    "Trung tâm Văn hóa, Thể thao và Truyền thanh {district}",
    "Ban Quản lý dự án đầu tư xây dựng {district}",
    "Trung tâm Dịch vụ nông nghiệp {district}",
    "Chi cục Thuế khu vực {district}",
    "Bảo hiểm xã hội {district}",
    "Kho bạc Nhà nước {district}",
    "Phòng Tài nguyên và Môi trường {district}",
    "Phòng Lao động - Thương binh và Xã hội {district}",
    "Chi nhánh Văn phòng Đăng ký đất đai {district}",
    "Tòa án nhân dân {district}",
    "Viện Kiểm sát nhân dân {district}",
    "Chi cục Thi hành án dân sự {district}",
    "Phòng Giao dịch Ngân hàng Chính sách xã hội {district}",
    "Hạt Quản lý đường bộ {district}",
    "Ban Quản lý chợ {district}",
    "Công ty TNHH MTV Môi trường đô thị {district}",
)

PROVINCIAL_HEALTH = (
    "Cơ quan Sở Y tế",
    "Trung tâm Kiểm soát bệnh tật tỉnh",
    "Bệnh viện Tâm thần tỉnh Đắk Lắk",
    "Bệnh viện Y học cổ truyền tỉnh Đắk Lắk",
    "Bệnh viện Lao và Bệnh phổi tỉnh Đắk Lắk",
    "Bệnh viện Mắt tỉnh Đắk Lắk",
    "Bệnh viện Đa khoa thị xã Buôn Hồ",
    "Trung tâm Pháp y tỉnh",
    "Trung tâm Giám định y khoa tỉnh",
    "Trung tâm Kiểm nghiệm Thuốc - Mỹ phẩm - Thực phẩm",
    "Trung tâm Cấp cứu 115 Đắk Lắk",
    "Chi cục Dân số - Kế hoạch hóa gia đình",
    "Chi cục An toàn vệ sinh thực phẩm",
    "Trường Cao đẳng Y tế Đắk Lắk",
    "Công ty CP Dược - Vật tư y tế Đắk Lắk",
    "Bệnh viện Đa khoa Thiện Hạnh",
    "Bệnh viện Đa khoa Cao Nguyên",
)

AGRICULTURE_AGENCIES = (
    "Cơ quan Sở Nông nghiệp và Phát triển nông thôn",
    "Chi cục Kiểm lâm tỉnh",
    "Chi cục Thủy lợi",
    "Chi cục Chăn nuôi và Thú y",
    "Chi cục Trồng trọt và Bảo vệ thực vật",
    "Chi cục Phát triển nông thôn",
    "Chi cục Quản lý chất lượng Nông lâm sản và Thủy sản",
    "Trung tâm Khuyến nông tỉnh",
    "Trung tâm Nước sạch và Vệ sinh môi trường nông thôn",
    "Vườn Quốc gia Yók Đôn",
    "Vườn Quốc gia Chư Yang Sin",
    "Ban Quản lý Khu bảo tồn thiên nhiên Ea Sô",
    "Ban Quản lý Khu bảo tồn thiên nhiên Nam Ka",
    "Ban Quản lý rừng phòng hộ Krông Năng",
    "Ban Quản lý rừng phòng hộ Buôn Đôn",
    "Ban Quản lý rừng phòng hộ đầu nguồn Krông Bông",
    "Ban Quản lý rừng đặc dụng Hồ Lắk",
    "Trung tâm Giống nông nghiệp tỉnh",
    "Trung tâm Kỹ thuật Tài nguyên đất và Môi trường",
    "Ban Quản lý dự án đầu tư xây dựng công trình nông nghiệp và PTNT",
)

STATE_FARMS = (
    "Công ty TNHH MTV Cao su Đắk Lắk",
    "Công ty TNHH MTV Cao su Krông Búk",
    "Công ty TNHH MTV Cao su Ea H'leo",
    "Công ty TNHH MTV Quản lý công trình thủy lợi Đắk Lắk",
    "Công ty TNHH MTV Lâm nghiệp Ea Kar",
    "Công ty TNHH MTV Lâm nghiệp M'Đrắk",
    "Công ty TNHH MTV Lâm nghiệp Krông Bông",
    "Công ty TNHH MTV Lâm nghiệp Lắk",
    "Công ty TNHH MTV Lâm nghiệp Ea Wy",
    "Công ty TNHH MTV Lâm nghiệp Thuần Mẫn",
    "Công ty TNHH MTV Lâm nghiệp Buôn Ja Wầm",
    "Công ty TNHH MTV Lâm nghiệp Rừng Xanh",
    "Công ty TNHH MTV Lâm nghiệp Ea H'Mơ",
    "Công ty TNHH MTV Cà phê Cư Pul",
    "Công ty TNHH MTV Cà phê 715",
    "Công ty CP Giống cây trồng Trung ương - Chi nhánh Tây Nguyên",
    "Công ty CP Chăn nuôi Đắk Lắk",
    "Công ty TNHH MTV Cà phê Ea Sim",
    "Công ty TNHH MTV Cà phê Krông Búk",
    "Công ty CP Thủy sản Đắk Lắk",
)

TRANSPORT_AGENCIES = (
    "Cơ quan Sở Giao thông vận tải",
    "Ban Quản lý dự án đầu tư xây dựng công trình giao thông",
    "Trung tâm Đăng kiểm xe cơ giới 47-01D",
    "Trung tâm Đăng kiểm xe cơ giới 47-02D",
    "Trung tâm Đào tạo và Sát hạch lái xe Đắk Lắk",
    "Công ty CP Bến xe Đắk Lắk",
    "Công ty CP Vận tải ô tô Đắk Lắk",
    "Công ty CP Quản lý và Xây dựng cầu đường Đắk Lắk",
    "Công ty CP Đường bộ Đắk Lắk",
    "Công ty TNHH Mai Linh Đắk Lắk",
)

CONSTRUCTION_AGENCIES = (
    "Cơ quan Sở Xây dựng",
    "Công ty CP Cấp nước Đắk Lắk",
    "Công ty CP Đô thị và Môi trường Đắk Lắk",
    "Ban Quản lý dự án đầu tư xây dựng các công trình dân dụng và công nghiệp tỉnh",
    "Trung tâm Kiểm định chất lượng công trình xây dựng",
    "Viện Quy hoạch và Thiết kế xây dựng Đắk Lắk",
    "Công ty CP Tư vấn xây dựng Đắk Lắk",
    "Công ty CP Xây dựng Giao thông Thủy lợi Đắk Lắk",
    "Công ty CP Đầu tư và Phát triển nhà Đắk Lắk",
)

TRADE_AGENCIES = (
    "Cơ quan Sở Công Thương",
    "Trung tâm Khuyến công và Tư vấn phát triển công nghiệp",
    "Công ty CP Mía đường 333",
    "Công ty Xăng dầu Nam Tây Nguyên",
    "Siêu thị Co.opmart Buôn Ma Thuột",
    "Công ty CP Tập đoàn Trung Nguyên",
    "Công ty CP Xuất nhập khẩu 2-9 Đắk Lắk",
    "Công ty CP Khoáng sản Đắk Lắk",
    "Ban Quản lý chợ trung tâm Buôn Ma Thuột",
    "Công ty Điện lực Đắk Lắk - Chi nhánh Điện lực Buôn Ma Thuột",
)

PROVINCIAL_AGENCIES = (
    "Văn phòng UBND tỉnh",
    "Văn phòng Đoàn ĐBQH và HĐND tỉnh",
    "Sở Nội vụ",
    "Sở Tư pháp",
    "Sở Kế hoạch và Đầu tư",
    "Sở Tài chính",
    "Sở Tài nguyên và Môi trường",
    "Sở Khoa học và Công nghệ",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Lao động - Thương binh và Xã hội",
    "Sở Thông tin và Truyền thông",
    "Sở Ngoại vụ",
    "Thanh tra tỉnh",
    "Ban Dân tộc tỉnh",
    "Ban Quản lý các Khu công nghiệp tỉnh",
    "Đài Phát thanh và Truyền hình Đắk Lắk",
    "Báo Đắk Lắk",
    "Bảo tàng Đắk Lắk",
    "Thư viện tỉnh Đắk Lắk",
    "Trung tâm Văn hóa tỉnh",
    "Nhà hát Ca múa nhạc dân tộc Đắk Lắk",
    "Trung tâm Huấn luyện và Thi đấu thể dục thể thao tỉnh",
    "Trung tâm Thông tin Xúc tiến Du lịch",
    "Trung tâm Dịch vụ việc làm tỉnh",
    "Trung tâm Bảo trợ xã hội tỉnh",
    "Trung tâm Công tác xã hội tỉnh",
    "Trung tâm Phát triển quỹ đất tỉnh",
    "Văn phòng Đăng ký đất đai tỉnh",
    "Trung tâm Quan trắc tài nguyên và môi trường",
    "Trung tâm Công nghệ thông tin và Truyền thông",
    "Chi cục Tiêu chuẩn Đo lường Chất lượng",
    "Trung tâm Phục vụ hành chính công tỉnh",
    "Trung tâm Trợ giúp pháp lý nhà nước tỉnh",
    "Phòng Công chứng số 1",
    "Phòng Công chứng số 2",
    "Trung tâm Dịch vụ đấu giá tài sản",
    "Trung tâm Lưu trữ lịch sử tỉnh",
    "Trung tâm Xúc tiến đầu tư tỉnh",
    "Quỹ Đầu tư phát triển Đắk Lắk",
    "Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh",
    "Hội Văn học Nghệ thuật tỉnh",
    "Hội Chữ thập đỏ tỉnh",
    "Liên minh Hợp tác xã tỉnh",
    "Cơ quan Ủy ban MTTQ Việt Nam tỉnh",
    "Tỉnh Đoàn Đắk Lắk",
    "Hội Liên hiệp Phụ nữ tỉnh",
    "Hội Nông dân tỉnh",
    "Hội Cựu chiến binh tỉnh",
    "Văn phòng Tỉnh ủy",
    "Ban Tổ chức Tỉnh ủy",
    "Ban Tuyên giáo Tỉnh ủy",
    "Ủy ban Kiểm tra Tỉnh ủy",
    "Ban Nội chính Tỉnh ủy",
    "Ban Dân vận Tỉnh ủy",
    "Trường Chính trị tỉnh Đắk Lắk",
    "Cơ quan Đảng ủy Khối Cơ quan và Doanh nghiệp tỉnh",
    "Bảo hiểm xã hội tỉnh Đắk Lắk",
    "Kho bạc Nhà nước Đắk Lắk",
    "Cục Thống kê tỉnh Đắk Lắk",
    "Cục Thuế tỉnh Đắk Lắk",
    "Cục Hải quan Đắk Lắk",
    "Ngân hàng Chính sách xã hội chi nhánh tỉnh Đắk Lắk",
    "Tòa án nhân dân tỉnh",
    "Viện Kiểm sát nhân dân tỉnh",
    "Cục Thi hành án dân sự tỉnh",
    "Cục Quản lý thị trường tỉnh",
    "Ban Quản lý dự án đầu tư xây dựng tỉnh",
    "Trung tâm Lưu trữ và Thông tin địa chính",
    "Trung tâm Ứng dụng tiến bộ khoa học và công nghệ",
    "Trung tâm Điều dưỡng người có công tỉnh",
    "Trung tâm Hỗ trợ phát triển doanh nghiệp nhỏ và vừa",
    "Trung tâm Văn hóa Điện ảnh tỉnh",
    "Trung tâm Bảo tồn di sản văn hóa Ê Đê",
    "Trường Trung cấp Văn hóa Nghệ thuật Đắk Lắk",
    "Trung tâm Nuôi dưỡng người tâm thần tỉnh",
    "Ban Quản lý Khu du lịch Hồ Lắk",
)

COLLEGES = (
    "Trường Đại học Buôn Ma Thuột",
    "Trường Cao đẳng Kỹ thuật Đắk Lắk",
    "Trường Cao đẳng Công nghệ Tây Nguyên",
    "Trường Cao đẳng Văn hóa Nghệ thuật và Du lịch Đắk Lắk",
    "Trường Cao đẳng Sư phạm Đắk Lắk",
    "Trường Trung cấp Trường Sơn",
    "Trường Trung cấp Đắk Lắk",
    "Trường Phổ thông Dân tộc nội trú Nơ Trang Lơng",
    "Trường Phổ thông Dân tộc nội trú Tây Nguyên",
)

INDUSTRIAL_SITES = (
    "Khu công nghiệp Hòa Phú, TP. Buôn Ma Thuột",
    "Cụm công nghiệp Tân An 1, TP. Buôn Ma Thuột",
    "Cụm công nghiệp Tân An 2, TP. Buôn Ma Thuột",
    "Cụm công nghiệp Ea Đar, huyện Ea Kar",
    "Cụm công nghiệp Buôn Hồ, TX. Buôn Hồ",
    "Cụm công nghiệp Krông Búk 1, huyện Krông Búk",
    "Cụm công nghiệp Cư Kuin, huyện Cư Kuin",
)
