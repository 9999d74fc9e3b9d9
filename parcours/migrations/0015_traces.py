"""Traces : les sections sensibles montrées par chaque consultation ; l'origine (commande ou tâche) de chaque
événement de l'historique du carnet. Les lignes existantes : vide (inconnu)."""

import spie.traces
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('parcours', '0014_nir_chiffre'),
    ]

    operations = [
        migrations.AddField(
            model_name='consultationcarnet',
            name='sections_sensibles',
            field=models.CharField(blank=True, default='', max_length=100, verbose_name='sections sensibles montrées'),
        ),
        migrations.AddField(
            model_name='evenementcarnet',
            name='origine',
            field=models.CharField(blank=True, default=spie.traces.origine_en_cours, max_length=100, verbose_name='origine (commande ou tâche)'),
        ),
    ]
