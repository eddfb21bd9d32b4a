"""Masking of personal data (Decree 13/2023/NĐ-CP): shown in full only on an audited reveal."""

MASK = "•"


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    return value[:3] + MASK * max(len(value) - 5, 0) + value[-2:] if len(value) > 5 else MASK * 4


def mask_id_number(value: str | None) -> str:
    if not value:
        return ""
    return MASK * max(len(value) - 3, 0) + value[-3:]


def mask_email(value: str | None) -> str:
    if not value or "@" not in value:
        return ""
    local, domain = value.split("@", 1)
    return local[:1] + MASK * 3 + "@" + domain


def mask_date(value) -> str:
    """Only the year of a date of birth is shown masked."""
    if not value:
        return ""
    return f"{MASK}{MASK}/{MASK}{MASK}/{value.year}"
