# Indexes for the fuzzy youth search at state scale (docs/performance.md, search).

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('agency', '0001_initial'),
        ('youth', '0003_created_by_optional'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='nameblockkey',
            index=models.Index(fields=['agency', 'key', 'youth'], name='nameblock_agency_key_youth_idx'),
        ),
        migrations.AddIndex(
            model_name='youth',
            index=models.Index(fields=['agency', 'csec_status', 'id'], name='youth_agency_status_idx'),
        ),
        # Dropped after its replacement exists (agency, key is a prefix of the new index).
        migrations.RemoveIndex(
            model_name='nameblockkey',
            name='nameblock_agency_key_idx',
        ),
    ]
