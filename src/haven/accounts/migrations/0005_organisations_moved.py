
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Organisation and Membership moved from accounts to organisations: their tables stay, so only Django's state changes."""

    dependencies = [
        ('cases', '0004_organisations_moved'),
        ('programmes', '0002_organisations_moved'),
        ('vault', '0002_organisations_moved'),
        ('accounts', '0004_security_notices'),
        ('organisations', '0001_moved_from_accounts'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='invitation',
                    name='organisation',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='invitations', to='organisations.organisation'),
                ),
                migrations.DeleteModel(name='Membership'),
                migrations.DeleteModel(name='Organisation'),
            ],
        ),
    ]
