
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Organisation and Membership moved from accounts to organisations: their tables stay, so only Django's state changes."""

    dependencies = [
        ('organisations', '0001_moved_from_accounts'),
        ('vault', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='blindindexentry',
                    name='organisation',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='vault_blind_index_entries', to='organisations.organisation'),
                ),
                migrations.AlterField(
                    model_name='datakey',
                    name='organisation',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='vault_data_keys', to='organisations.organisation'),
                ),
                migrations.AlterField(
                    model_name='organisationkey',
                    name='organisation',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='vault_keys', to='organisations.organisation'),
                ),
    
            ],
        ),
    ]
