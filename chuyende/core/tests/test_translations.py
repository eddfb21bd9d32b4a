"""The Vietnamese catalogue is complete, compiled, in step with the source, and used.

Vietnamese is the default language, so a msgid left untranslated shows English to users.
When a check here fails: run `make messages`, translate the new entries in
chuyende/locale/vi/LC_MESSAGES/django.po, and run `make messages` again to compile.
"""

import contextlib
import hashlib
import re
import shutil
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

import chuyende

PACKAGE_DIR = Path(chuyende.__file__).resolve().parent
LOCALE_DIR = PACKAGE_DIR / "locale"
PO_PATH = LOCALE_DIR / "vi" / "LC_MESSAGES" / "django.po"
MO_PATH = LOCALE_DIR / "vi" / "LC_MESSAGES" / "django.mo"
FIX = "run `make messages` and translate"

# printf-style placeholders as Python's % operator reads them: %(name)s, %s, %d, %.2f, %%
PERCENT_PLACEHOLDER = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*(?:\*|\d+)?(?:\.\d+)?[diouxXeEfFgGcrsa%]"
)
BRACE_PLACEHOLDER = re.compile(r"(?<!\{)\{(?P<name>[^{}]*)\}(?!\})")


def _po():
    return polib.pofile(str(PO_PATH))


def _key(entry):
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def _label(entry):
    return f"{entry.msgctxt}|{entry.msgid}" if entry.msgctxt else entry.msgid


def _percent_placeholders(text):
    found = [m.group(0) for m in PERCENT_PLACEHOLDER.finditer(text)]
    return Counter(p for p in found if p != "%%")


def _brace_placeholders(text):
    return Counter(m.group(0) for m in BRACE_PLACEHOLDER.finditer(text))


def _translations(entry):
    if entry.msgid_plural:
        return [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


# (a) complete -------------------------------------------------------------------------------


def test_catalogue_header_is_vietnamese_utf8_with_one_plural_form():
    po = _po()
    assert not po.metadata_is_fuzzy, "the header of django.po is still marked fuzzy"
    assert po.metadata.get("Language") == "vi"
    assert "charset=UTF-8" in po.metadata.get("Content-Type", "")
    plural_forms = po.metadata.get("Plural-Forms", "").replace(" ", "").rstrip(";")
    assert plural_forms == "nplurals=1;plural=0"


def test_every_msgid_has_a_vietnamese_translation():
    po = _po()
    live = [e for e in po if not e.obsolete]
    assert live, f"{PO_PATH} has no entries"
    fuzzy = [_label(e) for e in live if "fuzzy" in e.flags]
    empty = [_label(e) for e in live if not all(s.strip() for s in _translations(e))]
    assert not fuzzy, f"fuzzy entries, check and un-fuzzy them ({FIX}): {fuzzy}"
    assert not empty, f"untranslated entries ({FIX}): {empty}"


def test_plural_entries_have_exactly_one_form():
    bad = [_label(e) for e in _po() if e.msgid_plural and sorted(e.msgstr_plural) != [0]]
    assert not bad, f"Vietnamese has one plural form: give only msgstr[0] for {bad}"


def test_placeholders_are_kept():
    problems = []
    for entry in _po():
        if entry.obsolete:
            continue
        sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
        checks = []
        if "python-format" in entry.flags:
            checks.append(_percent_placeholders)
        if "python-brace-format" in entry.flags:
            checks.append(_brace_placeholders)
        for extract in checks:
            expected = [extract(s) for s in sources]
            for translated in _translations(entry):
                if extract(translated) not in expected:
                    problems.append(f"{entry.msgid!r} -> {translated!r}")
        if "python-format" not in entry.flags:
            # No %-formatting happens: a placeholder appearing only in the translation would
            # be shown literally to the user.
            for translated in _translations(entry):
                invented = set(_percent_placeholders(translated)) - set(
                    _percent_placeholders(entry.msgid)
                )
                if any(p.startswith("%(") for p in invented):
                    problems.append(f"{entry.msgid!r} -> {translated!r}")
    assert not problems, "placeholders differ between msgid and msgstr:\n" + "\n".join(problems)


# (b) compiled -------------------------------------------------------------------------------


def _catalogue(entries):
    result = {}
    for entry in entries:
        if entry.msgid == "":
            continue
        value = (
            tuple(entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural))
            if entry.msgid_plural
            else entry.msgstr
        )
        result[_key(entry)] = value
    return result


def test_mo_file_is_compiled_from_the_current_po():
    assert MO_PATH.exists(), f"{MO_PATH} is missing: run `make messages`"
    po = _po()
    mo = polib.mofile(str(MO_PATH))
    expected = _catalogue(po.translated_entries())
    compiled = _catalogue(mo)
    stale = sorted(k[1] for k in expected.keys() ^ compiled.keys())
    changed = sorted(k[1] for k in expected.keys() & compiled.keys() if expected[k] != compiled[k])
    assert not stale and not changed, (
        "django.mo is out of date with django.po; run `make messages` (compilemessages). "
        f"Entries only in one of them: {stale}; translated differently: {changed}"
    )
    assert mo.metadata.get("Plural-Forms", "").replace(" ", "").rstrip(";") == (
        "nplurals=1;plural=0"
    )


def test_django_serves_every_translation_from_the_catalogue():
    wrong = []
    with translation.override("vi"):
        for entry in _po().translated_entries():
            if entry.msgctxt:
                if entry.msgid_plural:
                    got = translation.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 1)
                else:
                    got = translation.pgettext(entry.msgctxt, entry.msgid)
            elif entry.msgid_plural:
                got = translation.ngettext(entry.msgid, entry.msgid_plural, 1)
            else:
                got = translation.gettext(entry.msgid)
            want = entry.msgstr_plural[0] if entry.msgid_plural else entry.msgstr
            if got != want:
                wrong.append(f"{entry.msgid!r}: {got!r} instead of {want!r}")
    assert not wrong, "Django does not serve the committed translation:\n" + "\n".join(wrong)


# (c) in step with the source ----------------------------------------------------------------

GETTEXT_TOOLS = ("xgettext", "msguniq", "msgmerge", "msgattrib")
SOURCE_SUFFIXES = {".py", ".html", ".txt"}  # the extensions makemessages reads by default


def _copy_sources(destination):
    def ignore(directory, names):
        ignored = []
        for name in names:
            path = Path(directory) / name
            if path.is_dir():
                if name in {"locale", "__pycache__"} or name.startswith("."):
                    ignored.append(name)
            elif path.suffix not in SOURCE_SUFFIXES:
                ignored.append(name)
        return ignored

    shutil.copytree(PACKAGE_DIR, destination, ignore=ignore)


@pytest.fixture(scope="module")
def extracted_msgids(tmp_path_factory):
    """Run the same makemessages as `make messages` on a copy of the source, in a temp dir."""
    missing_tools = [tool for tool in GETTEXT_TOOLS if shutil.which(tool) is None]
    if missing_tools:
        pytest.skip(
            f"GNU gettext is not installed ({', '.join(missing_tools)} not found), "
            "so the source cannot be compared with django.po"
        )
    root = tmp_path_factory.mktemp("messages") / "chuyende"
    _copy_sources(root)
    locale_dir = root / "locale"
    locale_dir.mkdir()
    committed = PO_PATH.read_bytes()
    # makemessages walks the current directory and writes into LOCALE_PATHS[0]: point both at
    # the copy so the committed catalogue is never touched.
    with override_settings(LOCALE_PATHS=[str(locale_dir)]), contextlib.chdir(root):
        call_command("makemessages", locale=["vi"], no_obsolete=True, no_location=True, verbosity=0)
    assert hashlib.sha256(PO_PATH.read_bytes()).digest() == hashlib.sha256(committed).digest()
    extracted = polib.pofile(str(locale_dir / "vi" / "LC_MESSAGES" / "django.po"))
    return {_key(e): e for e in extracted if e.msgid and not e.obsolete}


def test_every_source_string_is_in_the_catalogue(extracted_msgids):
    committed = {_key(e) for e in _po() if not e.obsolete}
    missing = sorted(_label(e) for k, e in extracted_msgids.items() if k not in committed)
    assert not missing, (
        f"{len(missing)} string(s) marked for translation in the source are missing from "
        f"{PO_PATH.relative_to(PACKAGE_DIR.parent)}; {FIX} them:\n"
        + "\n".join(f"  {m!r}" for m in missing)
    )


def test_catalogue_has_no_strings_the_source_no_longer_uses(extracted_msgids):
    stale = sorted(_label(e) for e in _po() if not e.obsolete and _key(e) not in extracted_msgids)
    assert not stale, (
        f"django.po has entries no longer in the source; run `make messages` to drop them: {stale}"
    )


# (d) used when rendering --------------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_is_vietnamese_by_default_and_for_vi(client):
    for headers in ({}, {"HTTP_ACCEPT_LANGUAGE": "vi"}):
        response = client.get("/accounts/login/", **headers)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Đăng nhập" in html
        assert "Mật khẩu" in html
        assert '<html lang="vi">' in html
        assert "Log in" not in html


@pytest.mark.django_db
def test_login_page_is_english_when_the_user_chooses_english(client):
    # The language switcher sets the language cookie; it wins over the browser's
    # Accept-Language (chuyende.core.locale.LocaleMiddleware ignores that header on purpose).
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    for headers in ({}, {"HTTP_ACCEPT_LANGUAGE": "vi"}, {"HTTP_ACCEPT_LANGUAGE": "en"}):
        html = client.get("/accounts/login/", **headers).content.decode()
        assert "Log in" in html and "Password" in html
        assert '<html lang="en">' in html
        assert "Đăng nhập" not in html


@pytest.mark.django_db
def test_language_switcher_turns_the_page_english(client):
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/accounts/login/"}, follow=True
    )
    html = response.content.decode()
    assert "Log in" in html and "Đăng nhập" not in html
