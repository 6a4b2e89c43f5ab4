"""
The es, fr and ar catalogues are complete, consistent with their sources and compiled.

A string marked for translation but left empty or fuzzy falls back to English on screen, so
these tests make a new interface string fail CI until it is translated in every language.
"""

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

TRANSLATED_LANGUAGES = ["es", "fr", "ar"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}|</?[a-z][^>]*>")
ARABIC_PLURAL_FORMS = 6


@dataclass
class CatalogueEntry:
    """One msgid with its flags and translations, as written in a .po file."""

    line: int
    flags: set[str] = field(default_factory=set)
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def msgid(self) -> str:
        return self.fields.get("msgid", "")

    @property
    def translations(self) -> dict[str, str]:
        return {key: value for key, value in self.fields.items() if key.startswith("msgstr")}

    def describe(self) -> str:
        return f"line {self.line}: {self.msgid!r}"


def read_catalogue(path: Path) -> list[CatalogueEntry]:
    """
    Parse a .po file into entries (header excluded).

    Enough of the PO format for Haven's catalogues: flags, msgctxt, msgid, msgid_plural and
    msgstr[n], each possibly continued on following quoted lines. Obsolete (#~) entries are
    skipped because gettext ignores them.
    """
    entries: list[CatalogueEntry] = []
    current: CatalogueEntry | None = None
    key = ""
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            current = None
            continue
        if current is None:
            current = CatalogueEntry(line=number)
            entries.append(current)
        if line.startswith("#,"):
            current.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current.fields[key] += ast.literal_eval(line)
        else:
            key, _space, quoted = line.partition(" ")
            current.fields[key] = ast.literal_eval(quoted)
    return [entry for entry in entries if entry.msgid]


def placeholders_in(text: str) -> tuple[str, ...]:
    return tuple(sorted(PLACEHOLDER.findall(text)))


def catalogue_path(language: str, extension: str = "po") -> Path:
    return Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / f"django.{extension}"


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_every_entry_is_translated_and_none_is_fuzzy(language):
    """No msgstr is empty and no entry is flagged fuzzy, so no screen falls back to English."""
    entries = read_catalogue(catalogue_path(language))

    untranslated = [e.describe() for e in entries if "" in e.translations.values()]
    fuzzy = [e.describe() for e in entries if "fuzzy" in e.flags]

    assert entries, "the catalogue has no entries"
    assert untranslated == [], f"{language}: translate these entries"
    assert fuzzy == [], f"{language}: check these entries and remove the fuzzy flag"


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_translations_keep_the_placeholders_and_markup_of_the_source(language):
    """A translation keeps every %(name)s, {name} and HTML tag of its msgid, and adds none."""
    mismatched = []
    for entry in read_catalogue(catalogue_path(language)):
        sources = {placeholders_in(entry.msgid)}
        if "msgid_plural" in entry.fields:
            sources.add(placeholders_in(entry.fields["msgid_plural"]))
        for key, text in entry.translations.items():
            if placeholders_in(text) not in sources:
                mismatched.append(f"{entry.describe()} {key}={text!r}")

    assert mismatched == []


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_plural_entries_fill_every_form_the_language_declares(language):
    """
    Every plural entry translates each form its header declares: Arabic six, Spanish three
    (the third for most counts), French two. A missing form shows the English plural on screen
    for the counts that select it ("5 years old" on a Spanish page).
    """
    path = catalogue_path(language)
    declared = re.search(r"nplurals=(\d+);", path.read_text(encoding="utf-8"))
    assert declared is not None, "the catalogue's header declares no plural forms"
    count = int(declared.group(1))
    if language == "ar":
        assert count == ARABIC_PLURAL_FORMS
    plural_entries = [e for e in read_catalogue(path) if "msgid_plural" in e.fields]

    assert plural_entries, "no plural entry read"
    for entry in plural_entries:
        forms = sorted(key for key, value in entry.translations.items() if value)
        assert forms == [f"msgstr[{n}]" for n in range(count)], entry.describe()


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_compiled_catalogue_matches_the_po_file(language):
    """The committed .mo gives the .po's translation for every entry (compilemessages was run)."""
    with catalogue_path(language, "mo").open("rb") as compiled_file:
        compiled = gettext.GNUTranslations(compiled_file)
    stale = []
    for entry in read_catalogue(catalogue_path(language)):
        if "msgid_plural" in entry.fields or "msgctxt" in entry.fields:
            continue
        if compiled.gettext(entry.msgid) != entry.fields["msgstr"]:
            stale.append(entry.describe())

    assert stale == [], f"run compilemessages for {language}"


def choose_language(client, language: str) -> None:
    client.post(reverse("set_language"), {"language": language, "next": "/"})


def test_the_sign_in_page_is_arabic_and_right_to_left(client, db):
    """In Arabic the sign-in page is laid out right to left, with its heading and hint translated."""
    choose_language(client, "ar")

    body = client.get(reverse("accounts:login")).content.decode()

    assert 'lang="ar" dir="rtl"' in body
    assert "<h1>تسجيل الدخول</h1>" in body
    assert "بعد كلمة المرور سيُطلب منك رمز من تطبيق المصادقة." in body
    assert "After your password" not in body


def test_the_dashboard_is_arabic_and_right_to_left(client, sign_in_as, caseworker):
    """A signed-in caseworker choosing Arabic gets an rtl dashboard with translated headings."""
    sign_in_as(caseworker)
    choose_language(client, "ar")

    response = client.get(reverse("web:dashboard"))
    body = response.content.decode()

    assert response.status_code == 200
    assert 'lang="ar" dir="rtl"' in body
    assert "<h1>لوحة المعلومات</h1>" in body
    assert "حالاتي" in body
    assert "My cases" not in body
    assert "Every case you may see" not in body


#: The calls xgettext reads a message from (Django's makemessages passes it these keywords).
MESSAGE_CALLS = frozenset(
    {"gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy", "_"}
)


def _messages_inside_f_strings(source: str) -> list[int]:
    """Lines where a message call sits inside an f-string's braces, which xgettext never reads."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.JoinedStr):
            continue
        for part in node.values:
            for inner in ast.walk(part):
                if (
                    isinstance(inner, ast.Call)
                    and isinstance(inner.func, ast.Name)
                    and inner.func.id in MESSAGE_CALLS
                ):
                    lines.append(inner.lineno)
    return lines


def test_a_message_inside_an_f_string_is_found():
    """The check below can fail: a message in an f-string's braces is reported by its line."""
    assert _messages_inside_f_strings("x = f\"<b>{gettext('tension')}</b>\"\n") == [1]
    assert _messages_inside_f_strings('word = gettext("tension")\nx = f"<b>{word}</b>"\n') == []


def test_no_message_is_written_inside_an_f_string():
    """
    xgettext does not look inside an f-string's braces, so `make messages` would drop such a
    message from every catalogue, with its translations, and the page would fall back to
    English: each message is a literal argument of its own call (docs/developing.md, section 7).
    """
    package = Path(__file__).resolve().parents[2] / "src" / "haven"
    found = [
        f"{path.relative_to(package)}:{line}"
        for path in sorted(package.rglob("*.py"))
        for line in _messages_inside_f_strings(path.read_text(encoding="utf-8"))
    ]
    assert found == []
