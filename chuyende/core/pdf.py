"""PDF copies of generated .docx files, through LibreOffice where the server has it."""

import shutil
import subprocess
import tempfile
from pathlib import Path

TIMEOUT_SECONDS = 90


def office_binary() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(data: bytes) -> bytes | None:
    """The PDF of a .docx, or None when LibreOffice is not installed or fails."""
    binary = office_binary()
    if binary is None:
        return None
    with tempfile.TemporaryDirectory(prefix="chuyende-pdf-") as folder:
        source = Path(folder) / "document.docx"
        source.write_bytes(data)
        try:
            subprocess.run(
                [
                    binary,
                    "--headless",
                    "--norestore",
                    f"-env:UserInstallation=file://{folder}/lo",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    folder,
                    str(source),
                ],
                check=True,
                capture_output=True,
                timeout=TIMEOUT_SECONDS,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError):
            return None
        target = Path(folder) / "document.pdf"
        return target.read_bytes() if target.exists() else None
