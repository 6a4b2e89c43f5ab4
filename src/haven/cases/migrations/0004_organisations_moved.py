
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Organisation and Membership moved from accounts to organisations: their tables stay, so only Django's state changes."""

    dependencies = [
        ('cases', '0003_records_access_assessments'),
        ('organisations', '0001_moved_from_accounts'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='assessment',
                    name='organisation',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisations.organisation'),
                ),
                migrations.AlterField(
                    model_name='assignment',
                    name='membership',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='case_assignments', to='organisations.membership'),
                ),
                migrations.AlterField(
                    model_name='attachment',
                    name='organisation',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisations.organisation'),
                ),
                migrations.AlterField(
                    model_name='breakglassgrant',
                    name='membership',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='break_glass_grants', to='organisations.membership'),
                ),
                migrations.AlterField(
                    model_name='breakglassgrant',
                    name='organisation',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisations.organisation'),
                ),
                migrations.AlterField(
                    model_name='case',
                    name='organisation',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='organisations.organisation'),
                ),
                migrations.AlterField(
                    model_name='caseerasure',
                    name='organisation',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisations.organisation'),
                ),
                migrations.AlterField(
                    model_name='consent',
                    name='organisation',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisations.organisation'),
                ),
                migrations.AlterField(
                    model_name='defender',
                    name='organisation',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='defenders', to='organisations.organisation'),
                ),
                migrations.AlterField(
                    model_name='dependant',
                    name='organisation',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisations.organisation'),
                ),
                migrations.AlterField(
                    model_name='identityreveal',
                    name='organisation',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisations.organisation'),
                ),
                migrations.AlterField(
                    model_name='note',
                    name='organisation',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisations.organisation'),
                ),
                migrations.AlterField(
                    model_name='notification',
                    name='actor',
                    field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='organisations.membership'),
                ),
                migrations.AlterField(
                    model_name='notification',
                    name='organisation',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organisations.organisation'),
                ),
                migrations.AlterField(
                    model_name='notification',
                    name='recipient',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to='organisations.membership'),
                ),
                migrations.AlterField(
                    model_name='prosecution',
                    name='organisation',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisations.organisation'),
                ),
                migrations.AlterField(
                    model_name='statuschange',
                    name='organisation',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisations.organisation'),
                ),
                migrations.AlterField(
                    model_name='threat',
                    name='organisation',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisations.organisation'),
                ),
    
            ],
        ),
    ]
