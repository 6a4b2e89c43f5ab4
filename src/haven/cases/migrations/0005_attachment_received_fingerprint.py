from django.db import migrations


class Migration(migrations.Migration):
    """The received file is remembered by a keyed fingerprint, not its bare SHA-256 (issue 11)."""

    dependencies = [("cases", "0004_organisations_moved")]

    operations = [
        migrations.RenameField(
            model_name="attachment", old_name="original_sha256", new_name="received_fingerprint"
        ),
    ]
