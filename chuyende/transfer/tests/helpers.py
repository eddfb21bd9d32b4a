import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from chuyende.transfer import services

HEADER = [
    "STT",
    "Họ và tên",
    "Giới tính",
    "Ngày sinh",
    "Số điện thoại",
    "Số CCCD",
    "Số thẻ đoàn viên",
    "Mã đơn vị",
]


def sheet(rows, header=HEADER, name="doan-vien.xlsx", title=True):
    workbook = Workbook()
    ws = workbook.active
    if title:
        ws.append(["DANH SÁCH ĐOÀN VIÊN CÔNG ĐOÀN"])
    ws.append(header)
    for index, row in enumerate(rows, start=1):
        ws.append([index, *row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def member_row(n, unit="BMT-001", **extra):
    values = {
        "name": f"Đoàn Viên Số {n}",
        "gender": "Nữ" if n % 2 else "Nam",
        "dob": f"{(n % 28) + 1:02d}/0{(n % 9) + 1}/19{70 + n % 30}",
        "phone": f"09{n:08d}",
        "id": f"0661{n:08d}",
        "card": f"TV-{n:06d}",
        "unit": unit,
        **extra,
    }
    return [
        values["name"],
        values["gender"],
        values["dob"],
        values["phone"],
        values["id"],
        values["card"],
        values["unit"],
    ]


def run_import(user, unit, upload, *, kind="members", valid_only=False, check_only=False):
    job = services.import_start(unit=unit, kind=kind, upload=upload, acting_user=user)
    job = services.import_map(job=job, mapping=job.mapping, acting_user=user)
    job.refresh_from_db()
    if check_only:
        return job
    if job.status == "validated":
        services.import_confirm(job=job, valid_only=valid_only, acting_user=user)
        job.refresh_from_db()
    return job
