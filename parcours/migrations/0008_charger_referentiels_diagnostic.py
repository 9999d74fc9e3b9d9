from django.db import migrations


def charger(apps, schema_editor):
    from parcours import referentiels

    referentiels.charger_diagnostic(apps)


class Migration(migrations.Migration):
    dependencies = [("parcours", "0007_diagnostic")]

    operations = [migrations.RunPython(charger, migrations.RunPython.noop)]
