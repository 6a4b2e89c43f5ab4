"""``haven orgs create`` names what is wrong with a slug and exits 2, creating nothing."""

from haven.cli import main
from haven.organisations.models import Organisation


def test_a_taken_slug_is_named_and_exits_2(organisation, capsys):
    assert main(["orgs", "create", organisation.slug, "--name", "Again (fictional)"]) == 2

    assert capsys.readouterr().err == (
        "haven orgs create: An organisation with the slug 'harbour-light' already exists.\n"
    )
    assert Organisation.objects.count() == 1


def test_a_malformed_slug_gives_the_validators_reason_and_exits_2(db, capsys):
    assert main(["orgs", "create", "not a slug!", "--name", "Bad (fictional)"]) == 2

    err = capsys.readouterr().err
    assert err.startswith("haven orgs create: ") and "slug" in err
    assert not Organisation.objects.exists()


def test_a_new_slug_is_created_and_printed(db, capsys):
    assert main(["orgs", "create", "north-star", "--name", "North Star Aid (fictional)"]) == 0

    assert capsys.readouterr().out == "north-star\n"
    assert Organisation.objects.get().name == "North Star Aid (fictional)"
