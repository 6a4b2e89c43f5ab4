"""Pages are translated and right-to-left languages are laid out right to left."""

import pytest
from django.conf import settings
from django.urls import reverse


@pytest.mark.parametrize(
    ("language", "direction", "heading"),
    [
        ("en", "ltr", "Sign in"),
        ("es", "ltr", "Iniciar sesión"),
        ("fr", "ltr", "Se connecter"),
        ("ar", "rtl", "تسجيل الدخول"),
    ],
)
def test_the_sign_in_page_speaks_each_language(client, db, language, direction, heading):
    """The language chosen through the switcher is used, with dir="rtl" for Arabic."""
    client.post(reverse("set_language"), {"language": language, "next": "/accounts/login/"})

    body = client.get(reverse("accounts:login")).content.decode()

    assert f'lang="{language}" dir="{direction}"' in body
    assert f"<h1>{heading}</h1>" in body


def test_every_configured_language_has_a_catalogue():
    """es, fr and ar ship compiled message catalogues."""
    locale = settings.LOCALE_PATHS[0]
    for code, _name in settings.LANGUAGES:
        if code != "en":
            assert (locale / code / "LC_MESSAGES" / "django.mo").exists()
