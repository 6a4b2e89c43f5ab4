"""
Vault speed, measured side by side in one run against baselines in the same process.

1. Field layer: encrypt + decrypt of the same payloads through ``EncryptedTextField`` against
   bare AES-256-GCM doing what any correct use of it does per value (fresh random nonce, the same
   associated data, nonce stored with the ciphertext). Printed as throughput ratios, field layer
   / raw, against raw on bytes and raw on text (goal: at least 0.5).
2. Case page: 20 encrypted fields rendered through Django templates in a key-ring scope of their
   own (as one request), against the identical page over plaintext columns; once as the full page
   (layout and the case.viewed audit event) and once as the bare fragment, each with the keys
   fetched by the key ring's prepared query and with ``select_related``. Printed as time ratios,
   encrypted / plaintext (goal: at most 1.3).

Every figure is the CPU time of this process (``time.process_time``), the best or median of
interleaved runs, so other processes on a shared machine disturb it as little as possible.
Runs on the test settings' in-memory SQLite; ``make bench`` runs it.
"""

import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.config.settings.test")

import django

django.setup()

from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, models  # noqa: E402
from django.template import Context, Template, engines  # noqa: E402
from django.test import RequestFactory  # noqa: E402

from haven.accounts.acting import SYSTEM  # noqa: E402
from haven.accounts.models import User  # noqa: E402
from haven.accounts.services import organisation_create  # noqa: E402
from haven.audit.events import EventType  # noqa: E402
from haven.audit.services import record_event  # noqa: E402
from haven.organisations.models import Membership, Role  # noqa: E402
from haven.vault.fields import Ciphertext, EncryptedTextField  # noqa: E402
from haven.vault.keyring import KeyRef, keyring_scope, preloaded_relation  # noqa: E402
from haven.vault.models import DataKey  # noqa: E402

FIELD_COUNT = 20
rng = random.Random(20261127)


def payloads(count: int) -> list[str]:
    """Names, phone numbers and note-sized texts, as a case's fields hold them."""
    words = ["río", "casa", "amenaza", "viaje", "fecha", "Ana", "María", "safe", "house", "visa"]
    sizes = [24, 16, 120, 600, 2000]
    return [
        " ".join(rng.choice(words) for _ in range(rng.choice(sizes) // 5)) for _ in range(count)
    ]


def plain_fields() -> dict[str, models.Field]:
    return {f"f{index}": models.TextField() for index in range(FIELD_COUNT)}


def sealed_fields() -> dict[str, models.Field]:
    return {f"f{index}": EncryptedTextField() for index in range(FIELD_COUNT)}


def page_model(
    name: str, fields: dict[str, models.Field], *, encrypted: bool
) -> type[models.Model]:
    def vault_key_ref(self):  # type: ignore[no-untyped-def]
        return KeyRef(
            self.organisation_id, "bench_page", self.pk, preloaded_relation(self, "data_key")
        )

    attributes = {
        "__module__": __name__,
        "id": models.UUIDField(primary_key=True, default=uuid.uuid4),
        "organisation_id": models.UUIDField(),
        "Meta": type("Meta", (), {"app_label": "cases", "db_table": f"bench_{name.lower()}"}),
        **fields,
    }
    if encrypted:
        attributes["vault_key_ref"] = vault_key_ref
        attributes["data_key"] = models.OneToOneField(
            DataKey, null=True, on_delete=models.PROTECT, related_name="+"
        )
    return type(name, (models.Model,), attributes)


def best_of(runs: int, action) -> float:  # type: ignore[no-untyped-def]
    timings = []
    for _ in range(runs):
        started = time.process_time()
        action()
        timings.append(time.process_time() - started)
    return min(timings)


RAW_BYTES_SIDE = (
    "raw AES-256-GCM on bytes, per value: a fresh 96-bit nonce from os.urandom, encrypt the "
    "UTF-8 bytes (encoded before timing) with {aad_bytes} bytes of associated data "
    "(organisation, table, row, column), store nonce + ciphertext as one value; then split it "
    "and decrypt with the same associated data"
)
RAW_TEXT_SIDE = (
    "raw AES-256-GCM on text: the same, plus encoding the text to UTF-8 before encrypting and "
    "decoding it after decrypting, which the field layer must do as well"
)
FIELD_SIDE = (
    "field layer per value: EncryptedTextField.seal_for (key from the open key ring, versioned "
    "header, associated data bound to the row, fresh nonce, ciphertext cached on the instance), "
    "then the value loaded as from the database and read through the model attribute (header "
    "check, decrypt, decode)"
)
SCOPE_NOTE = (
    "both sides use a key already in memory: the field layer's key ring is opened and its key "
    "fetched before timing (the page figure below includes that fetch)"
)


def field_layer_timings(
    organisation_id: uuid.UUID, sealed_model: type[models.Model], texts: list[str]
) -> tuple[float, float, float, int]:
    """Return the best times of raw AES-GCM on bytes, on text, and of the field layer."""
    raw_cipher = AESGCM(os.urandom(32))
    field = sealed_model._meta.get_field("f0")
    page = sealed_model(organisation_id=organisation_id, id=uuid.uuid4())
    # The same associated data the field layer binds, so both sides authenticate as many bytes.
    aad = f"field|{organisation_id}|{sealed_model._meta.db_table}|{page.pk}|f0".encode()

    encoded = [text.encode() for text in texts]

    def raw_bytes() -> None:
        for data in encoded:
            nonce = os.urandom(12)
            stored = nonce + raw_cipher.encrypt(nonce, data, aad)
            raw_cipher.decrypt(stored[:12], stored[12:], aad)

    def raw_text() -> None:
        for text in texts:
            nonce = os.urandom(12)
            stored = nonce + raw_cipher.encrypt(nonce, text.encode(), aad)
            raw_cipher.decrypt(stored[:12], stored[12:], aad).decode()

    def layered() -> None:
        for text in texts:
            blob = field.seal_for(page, text)
            page.__dict__["f0"] = Ciphertext(blob)
            _ = page.f0

    with keyring_scope() as ring:
        ring.create_data_key(page.vault_key_ref())
    bytes_runs, text_runs, layered_runs = [], [], []
    with keyring_scope():
        layered()  # opens the key ring's data key before anything is timed
        for _ in range(15):  # interleaved, so load from other processes hits all alike
            bytes_runs.append(best_of(1, raw_bytes))
            text_runs.append(best_of(1, raw_text))
            layered_runs.append(best_of(1, layered))
    return min(bytes_runs), min(text_runs), min(layered_runs), len(aad)


CASE_PAGE = (
    '{% extends "base.html" %}{% block title %}Case {{ page.pk }}{% endblock %}'
    "{% block content %}<article><h1>Case</h1><dl>"
    + "".join(f"<dt>Field {i}</dt><dd>{{{{ page.f{i} }}}}</dd>" for i in range(FIELD_COUNT))
    + "</dl></article>{% endblock %}"
)
FRAGMENT = (
    "<dl>"
    + "".join(f"<dt>Field {i}</dt><dd>{{{{ page.f{i} }}}}</dd>" for i in range(FIELD_COUNT))
    + "</dl>"
)
PAGE_SIDES = (
    "full page: a key-ring scope per page (as KeyRingMiddleware opens one per request), the "
    "row's query, the data key and organisation key fetched and unwrapped, a case.viewed audit "
    "event (AUD-01), and the site layout (base.html, navigation, context processors) around 20 "
    "fields; the plaintext side does the same for a model with 20 plain TextFields, no keys"
)
FRAGMENT_SIDES = (
    "bare fragment: the same scope, queries and 20 fields without layout or audit event, "
    "the worst case for the ratio"
)
LOADERS = {
    "keys by the key ring's prepared query": lambda model: model.objects,
    "keys joined by select_related": lambda model: model.objects.select_related(
        "data_key__organisation_key"
    ),
}


def page_ratios(organisation, plain_model, sealed_model) -> dict[str, tuple[float, float, float]]:  # type: ignore[no-untyped-def]
    """Time the full case page and the bare fragment, encrypted against plaintext."""
    values = payloads(FIELD_COUNT)
    plain = plain_model.objects.create(
        organisation_id=organisation.pk, **{f"f{i}": v for i, v in enumerate(values)}
    )
    sealed = sealed_model(
        organisation_id=organisation.pk, **{f"f{i}": v for i, v in enumerate(values)}
    )
    with keyring_scope() as ring:
        sealed.data_key = ring.create_data_key(sealed.vault_key_ref())
        sealed.save()

    user = User.objects.create_user(username="bench-caseworker")
    membership = Membership.objects.create(
        user=user, organisation=organisation, role=Role.CASEWORKER
    )
    request = RequestFactory().get("/cases/bench/")
    user.is_verified = lambda: True  # type: ignore[attr-defined]  # as OTPMiddleware marks it
    request.user = user
    request.membership = membership  # type: ignore[attr-defined]
    engine = engines["django"]
    case_page = engine.from_string(CASE_PAGE)
    fragment = Template(FRAGMENT)

    def full_page(rows, pk) -> str:  # type: ignore[no-untyped-def]
        with keyring_scope():
            page = rows.get(pk=pk)
            record_event(
                EventType.CASE_VIEWED,
                actor=user,
                organisation=organisation,
                object_type="case",
                object_id=page.pk,
            )
            return str(case_page.render({"page": page}, request))

    def bare_fragment(rows, pk) -> str:  # type: ignore[no-untyped-def]
        with keyring_scope():
            page = rows.get(pk=pk)
            return fragment.render(Context({"page": page}))

    def article(html: str, pk) -> str:  # type: ignore[no-untyped-def]
        body = html[html.index("<dl>") : html.index("</dl>")]
        return body.replace(str(pk), "ROW")

    def twenty(render, rows, pk) -> float:  # type: ignore[no-untyped-def]
        return best_of(3, lambda: [render(rows, pk) for _ in range(20)])

    results = {}
    for page_label, render in (("full page", full_page), ("bare fragment", bare_fragment)):
        for loader_label, loader in LOADERS.items():
            plain_rows, sealed_rows = plain_model.objects, loader(sealed_model)
            # Both sides must show the same 20 values, or the comparison means nothing.
            assert article(render(plain_rows, plain.pk), plain.pk) == article(
                render(sealed_rows, sealed.pk), sealed.pk
            )
            plain_samples, sealed_samples = [], []
            for _ in range(11):  # interleaved, so load from other processes hits both alike
                plain_samples.append(twenty(render, plain_rows, plain.pk))
                sealed_samples.append(twenty(render, sealed_rows, sealed.pk))
            plain_seconds = statistics.median(plain_samples) / 20
            sealed_seconds = statistics.median(sealed_samples) / 20
            results[f"{page_label}, {loader_label}"] = (
                sealed_seconds / plain_seconds,
                plain_seconds,
                sealed_seconds,
            )
    return results


def main() -> int:
    call_command("migrate", verbosity=0)
    organisation = organisation_create(
        membership=SYSTEM, slug="bench-org", name="Bench (fictional)"
    )
    plain_model = page_model("PlainPage", plain_fields(), encrypted=False)
    sealed_model = page_model("SealedPage", sealed_fields(), encrypted=True)
    with connection.schema_editor() as editor:
        editor.create_model(plain_model)
        editor.create_model(sealed_model)

    aad_bytes = 0
    for label, texts in (
        ("mixed field sizes (16 B to 2 KB)", payloads(2000)),
        ("note-sized payloads (8 KB)", ["x" * 8192] * 2000),
    ):
        bytes_s, text_s, layered_s, aad_bytes = field_layer_timings(
            organisation.pk, sealed_model, texts
        )
        for baseline, raw_s in (("on bytes", bytes_s), ("on text", text_s)):
            print(
                f"field layer encrypt+decrypt throughput / raw AES-GCM {baseline}, {label}: "
                f"{raw_s / layered_s:.2f} (goal >= 0.5; 2000 payloads: raw {raw_s * 1000:.1f} ms, "
                f"field layer {layered_s * 1000:.1f} ms)"
            )
    print(f"  - {RAW_BYTES_SIDE.format(aad_bytes=aad_bytes)}")
    print(f"  - {RAW_TEXT_SIDE}")
    print(f"  - {FIELD_SIDE}")
    print(f"  - {SCOPE_NOTE}")
    for label, (ratio, plain_s, sealed_s) in page_ratios(
        organisation, plain_model, sealed_model
    ).items():
        print(
            f"case page with {FIELD_COUNT} encrypted fields / plaintext page, {label}: "
            f"{ratio:.2f}x (goal <= 1.3; plaintext {plain_s * 1e6:.0f} us, "
            f"encrypted {sealed_s * 1e6:.0f} us per page)"
        )
    print(f"  - {PAGE_SIDES}")
    print(f"  - {FRAGMENT_SIDES}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
