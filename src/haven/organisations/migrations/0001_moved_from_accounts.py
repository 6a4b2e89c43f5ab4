
import django.db.models.deletion
import django.utils.timezone
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """Organisation and Membership moved from accounts to organisations: their tables stay, so only Django's state changes."""

    initial = True

    dependencies = [
        ('accounts', '0004_security_notices'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Organisation',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('slug', models.SlugField(unique=True)),
                        ('name', models.CharField(max_length=200)),
                        ('is_active', models.BooleanField(default=True)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                    ],
                    options={
                        'db_table': 'accounts_organisation',
                        'ordering': ['slug'],
                    },
                ),
                migrations.CreateModel(
                    name='Membership',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('role', models.CharField(choices=[('coordinator', 'Coordinator'), ('caseworker', 'Caseworker'), ('legal_adviser', 'Legal adviser'), ('host_partner', 'Host partner'), ('analyst', 'Analyst'), ('auditor', 'Auditor')], max_length=32)),
                        ('is_active', models.BooleanField(default=True)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to=settings.AUTH_USER_MODEL)),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='organisations.organisation')),
                    ],
                    options={
                        'db_table': 'accounts_membership',
                        'ordering': ['organisation__slug', 'user__username'],
                        'constraints': [models.UniqueConstraint(fields=('user', 'organisation'), name='one_membership_per_org')],
                    },
                ),
    
            ],
        ),
    ]
