from django.db import models
from django.utils.translation import gettext_lazy as _


class MaterialKind(models.TextChoices):
    PDF = "pdf", _("PDF document")
    DOCX = "docx", _("Word document (.docx)")
    PPTX = "pptx", _("Slides (.pptx)")
    VIDEO = "video", _("Video link")
    LINK = "link", _("Other link")


# Kinds held as an uploaded file, with the one extension each accepts; the others are links.
FILE_EXTENSIONS = {
    MaterialKind.PDF: ".pdf",
    MaterialKind.DOCX: ".docx",
    MaterialKind.PPTX: ".pptx",
}
FILE_KINDS = tuple(FILE_EXTENSIONS)
LINK_KINDS = (MaterialKind.VIDEO, MaterialKind.LINK)
# The zip part that tells a real Word or PowerPoint file from any other zip.
ZIP_PARTS = {MaterialKind.DOCX: "word/", MaterialKind.PPTX: "ppt/"}
