"""Guidance content now always belongs to an agency; keys and handbook codes are unique per agency."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('guidance', '0004_content_into_each_agency'),
    ]

    operations = [
        migrations.AlterField(
            model_name='glossaryterm',
            name='agency',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='agency.agency'),
        ),
        migrations.AlterField(
            model_name='legalbasis',
            name='agency',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='agency.agency'),
        ),
        migrations.AlterField(
            model_name='myth',
            name='agency',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='agency.agency'),
        ),
        migrations.AlterField(
            model_name='need',
            name='agency',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='agency.agency'),
        ),
        migrations.AlterField(
            model_name='policydocument',
            name='agency',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='agency.agency'),
        ),
        migrations.AlterField(
            model_name='strategy',
            name='agency',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='agency.agency'),
        ),
        migrations.AddConstraint(
            model_name='glossaryterm',
            constraint=models.UniqueConstraint(fields=('agency', 'key'), name='glossary_term_unique_key_per_agency', violation_error_message='The glossary already has a term with this key.'),
        ),
        migrations.AddConstraint(
            model_name='legalbasis',
            constraint=models.UniqueConstraint(fields=('agency', 'key'), name='legal_basis_unique_key_per_agency', violation_error_message='The legal basis already has an entry with this key.'),
        ),
        migrations.AddConstraint(
            model_name='policydocument',
            constraint=models.UniqueConstraint(fields=('agency', 'code'), name='policy_document_unique_code_per_agency'),
        ),
    ]
