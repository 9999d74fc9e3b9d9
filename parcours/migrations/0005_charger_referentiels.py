from django.db import migrations


def charger(apps, schema_editor):
    from parcours import referentiels

    referentiels.charger(apps)


class Migration(migrations.Migration):
    dependencies = [("parcours", "0004_plan_d_action_et_contrat")]

    operations = [migrations.RunPython(charger, migrations.RunPython.noop)]
