
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Organisation and Membership moved from accounts to organisations: their tables stay, so only Django's state changes."""

    dependencies = [
        ('organisations', '0001_moved_from_accounts'),
        ('programmes', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='application',
                    name='organisation',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisations.organisation'),
                ),
                migrations.AlterField(
                    model_name='hostpartnerassignment',
                    name='membership',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='hosted_programmes', to='organisations.membership'),
                ),
                migrations.AlterField(
                    model_name='hostpartnerassignment',
                    name='organisation',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisations.organisation'),
                ),
                migrations.AlterField(
                    model_name='intakewindow',
                    name='organisation',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisations.organisation'),
                ),
                migrations.AlterField(
                    model_name='matchingrun',
                    name='organisation',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisations.organisation'),
                ),
                migrations.AlterField(
                    model_name='persecutorreach',
                    name='organisation',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisations.organisation'),
                ),
                migrations.AlterField(
                    model_name='programme',
                    name='organisation',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='programmes', to='organisations.organisation'),
                ),
    
            ],
        ),
    ]
