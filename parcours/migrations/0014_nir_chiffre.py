"""Le NIR chiffré au repos : on ajoute le chiffré et l'empreinte, on chiffre l'existant, puis on retire la colonne en
clair. Réversible : le retour recrée la colonne et y déchiffre chaque NIR (il faut alors les clés qui l'ont chiffré)."""

from django.db import migrations, models

from parcours import nir

LOT = 1000


def chiffrer_l_existant(apps, schema_editor):
    Personne = apps.get_model("parcours", "Personne")
    a_chiffrer = []
    for personne in Personne.objects.exclude(nir="").only("pk", "nir").iterator(chunk_size=LOT):
        personne.nir_chiffre, personne.nir_empreinte = nir.proteger(personne.nir)
        a_chiffrer.append(personne)
    Personne.objects.bulk_update(a_chiffrer, ["nir_chiffre", "nir_empreinte"], batch_size=LOT)


def dechiffrer_l_existant(apps, schema_editor):
    Personne = apps.get_model("parcours", "Personne")
    a_dechiffrer = []
    for personne in Personne.objects.exclude(nir_chiffre="").only("pk", "nir_chiffre").iterator(chunk_size=LOT):
        personne.nir = nir.dechiffrer(personne.nir_chiffre)
        a_dechiffrer.append(personne)
    Personne.objects.bulk_update(a_dechiffrer, ["nir"], batch_size=LOT)


class Migration(migrations.Migration):
    dependencies = [("parcours", "0013_journal_consultations_en_ajout_seul")]

    operations = [
        migrations.AddField(
            model_name="personne",
            name="nir_chiffre",
            field=models.TextField(blank=True, editable=False, verbose_name="NIR chiffré"),
        ),
        migrations.AddField(
            model_name="personne",
            name="nir_empreinte",
            field=models.CharField(
                blank=True, db_index=True, editable=False, max_length=64, verbose_name="empreinte du NIR"
            ),
        ),
        migrations.RunPython(chiffrer_l_existant, dechiffrer_l_existant),
        migrations.RemoveField(model_name="personne", name="nir"),
    ]
