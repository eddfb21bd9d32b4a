"""The printed pledge: the national layout, the unit, the member, every commitment, both
signature blocks; PDF where LibreOffice is installed."""

import io

import pytest
from docx import Document

from chuyende.core.pdf import office_binary
from chuyende.pledges import exports, selectors
from chuyende.pledges.models import Evaluation

from .helpers import make_pledge, make_template

pytestmark = pytest.mark.django_db


def document_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.extend(p.text for p in cell.paragraphs)
    return "\n".join(parts)


def _docx(world, pledge, evaluation=None):
    sections = selectors.sections_for(template=pledge.template, unit=pledge.member.unit)
    header = selectors.print_header(member=pledge.member)
    return exports.pledge_docx(
        pledge=pledge, sections=sections, header=header, evaluation=evaluation
    )


def test_the_pledge_prints_in_the_national_layout_with_every_commitment(world):
    template = make_template(world.province)
    pledge = make_pledge(world.binh, template, position="Giáo viên Toán", union_group="Tổ Toán")
    text = document_text(_docx(world, pledge))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "LIÊN ĐOÀN LAO ĐỘNG THÀNH PHỐ BUÔN MA THUỘT" in text  # the body above the CĐCS
    assert "CÔNG ĐOÀN TRƯỜNG THCS LÊ LỢI" in text and "Công đoàn Trường THCS Lê Lợi" in text
    assert "BẢN CAM KẾT" in text and "Tu dưỡng, rèn luyện năm 2024" in text
    assert "Họ và tên: Trần Thị Bình" in text and "Năm sinh: 1985" in text
    for items in pledge.commitments.values():
        for item in items:
            assert item in text
    for action in pledge.actions:
        assert action in text
    assert "Hoàn thành tốt nhiệm vụ" in text  # the rating aimed for, as the scale says
    assert "NGƯỜI CAM KẾT" in text and "XÁC NHẬN CỦA CÔNG ĐOÀN CƠ SỞ" in text
    assert "Nguyễn Văn An" in text  # the union's chair signs the confirmation
    assert "Đắk Lắk, ngày" in text


def test_the_year_end_result_is_printed_once_rated(world):
    template = make_template(world.province)
    pledge = make_pledge(world.binh, template)
    evaluation = Evaluation.objects.create(
        pledge=pledge, final_rating="excellent", union_title=True
    )
    text = document_text(_docx(world, pledge, evaluation))
    assert "Xếp loại: Hoàn thành xuất sắc nhiệm vụ." in text
    assert "Đoàn viên công đoàn xuất sắc" in text


@pytest.mark.skipif(office_binary() is None, reason="LibreOffice is not installed")
def test_the_pdf_copy(client, world):
    template = make_template(world.province)
    pledge = make_pledge(world.binh, template)
    client.force_login(world.dave)
    response = client.get(f"/pledges/{pledge.pk}/print.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
