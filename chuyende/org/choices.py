from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    CONFEDERATION = "confederation", _("Vietnam General Confederation of Labour")
    PROVINCE = "province", _("Provincial federation of labour")
    UPPER = "upper", _("Upper-level union")
    GRASSROOTS = "grassroots", _("Grassroots union")
    SECTION = "section", _("Union section / group")
    DEPARTMENT = "department", _("Federation department")
    AFFILIATE = "affiliate", _("Affiliated agency / unit")


class UnitSubKind(models.TextChoices):
    NONE = "", _("—")
    DISTRICT = "district", _("District-level federation of labour")
    SECTOR = "sector", _("Sector union")
    INDUSTRIAL_ZONE = "industrial_zone", _("Industrial-zone union")
    CIVIL_SERVANTS = "civil_servants", _("Provincial civil servants' union")
    CORPORATION = "corporation", _("Corporation union")
    MEMBER_GRASSROOTS = "member_grassroots", _("Member grassroots union")
    OFFICE = "office", _("Federation office")
    PUBLIC_SERVICE = "public_service", _("Public-service unit")
    ECONOMIC = "economic", _("Economic unit")


# Levels a task or a report can address, top to bottom.
LEVEL_ORDER = [
    UnitKind.CONFEDERATION,
    UnitKind.PROVINCE,
    UnitKind.UPPER,
    UnitKind.GRASSROOTS,
    UnitKind.SECTION,
]


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    TRANSFERRED = "transferred", _("Transferred")
    LEFT = "left", _("Left")


class UnionPosition(models.TextChoices):
    NONE = "", _("No union position")
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice chair")
    STANDING = "standing", _("Standing committee member")
    COMMITTEE = "committee", _("Executive committee member")
    INSPECTION = "inspection", _("Inspection committee member")
    GROUP_LEADER = "group_leader", _("Union group leader")
    DEPARTMENT_HEAD = "department_head", _("Head of department")
    STAFF = "staff", _("Union staff")


class Role(models.TextChoices):
    ADMIN = "admin", _("System administrator")
    MANAGER = "manager", _("Manager")
    EDITOR = "editor", _("Editor")
    VIEWER = "viewer", _("Viewer")
    MEMBER = "member", _("Member")


class UnitEventKind(models.TextChoices):
    CREATED = "created", _("Created")
    UPDATED = "updated", _("Updated")
    MOVED = "moved", _("Moved")
    MERGED = "merged", _("Merged into another unit")
    ABSORBED = "absorbed", _("Absorbed another unit")
    DEACTIVATED = "deactivated", _("Deactivated")


# The 54 ethnic groups of Viet Nam (proper names, not translated), Kinh first.
ETHNICITIES = [
    "Kinh",
    "Tày",
    "Thái",
    "Mường",
    "Khmer",
    "Hoa",
    "Nùng",
    "Mông",
    "Dao",
    "Gia Rai",
    "Ê Đê",
    "Ba Na",
    "Sán Chay",
    "Chăm",
    "Cơ Ho",
    "Xơ Đăng",
    "Sán Dìu",
    "Hrê",
    "Ra Glai",
    "M'Nông",
    "Thổ",
    "Stiêng",
    "Khơ Mú",
    "Bru - Vân Kiều",
    "Cơ Tu",
    "Giáy",
    "Tà Ôi",
    "Mạ",
    "Giẻ Triêng",
    "Co",
    "Chơ Ro",
    "Xinh Mun",
    "Hà Nhì",
    "Chu Ru",
    "Lào",
    "La Chí",
    "Kháng",
    "Phù Lá",
    "La Hủ",
    "La Ha",
    "Pà Thẻn",
    "Lự",
    "Ngái",
    "Chứt",
    "Lô Lô",
    "Mảng",
    "Cơ Lao",
    "Bố Y",
    "Cống",
    "Si La",
    "Pu Péo",
    "Rơ Măm",
    "Brâu",
    "Ơ Đu",
]
ETHNICITY_CHOICES = [(name, name) for name in ETHNICITIES] + [("other", _("Other / foreign"))]
MAJORITY_ETHNICITY = "Kinh"
