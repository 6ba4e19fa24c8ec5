"""Guidance content gets an agency (nullable until 0004 fills it in); keys are no longer unique
across agencies (0005 makes them unique per agency)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('agency', '0001_initial'),
        ('guidance', '0002_seed_handbook_13_19'),
    ]

    operations = [
        migrations.AddField(
            model_name='glossaryterm',
            name='agency',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='agency.agency'),
        ),
        migrations.AddField(
            model_name='historicalglossaryterm',
            name='agency',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='agency.agency'),
        ),
        migrations.AddField(
            model_name='historicallegalbasis',
            name='agency',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='agency.agency'),
        ),
        migrations.AddField(
            model_name='historicalmyth',
            name='agency',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='agency.agency'),
        ),
        migrations.AddField(
            model_name='historicalneed',
            name='agency',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='agency.agency'),
        ),
        migrations.AddField(
            model_name='historicalpolicydocument',
            name='agency',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='agency.agency'),
        ),
        migrations.AddField(
            model_name='historicalstrategy',
            name='agency',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='agency.agency'),
        ),
        migrations.AddField(
            model_name='legalbasis',
            name='agency',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='agency.agency'),
        ),
        migrations.AddField(
            model_name='myth',
            name='agency',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='agency.agency'),
        ),
        migrations.AddField(
            model_name='need',
            name='agency',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='agency.agency'),
        ),
        migrations.AddField(
            model_name='policydocument',
            name='agency',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='agency.agency'),
        ),
        migrations.AddField(
            model_name='strategy',
            name='agency',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='agency.agency'),
        ),
        migrations.AlterField(
            model_name='glossaryterm',
            name='key',
            field=models.SlugField(help_text='Stable key; the language check uses it.', max_length=40),
        ),
        migrations.AlterField(
            model_name='legalbasis',
            name='key',
            field=models.SlugField(max_length=40),
        ),
        migrations.AlterField(
            model_name='policydocument',
            name='code',
            field=models.SlugField(max_length=20),
        ),
    ]
