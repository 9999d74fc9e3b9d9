"""Le journal des consultations des carnets en ajout seul, dans la base elle-même (PostgreSQL) : un déclencheur
refuse toute mise à jour d'une consultation, et toute suppression d'une consultation de moins de 12 mois. Même un
DELETE écrit à la main ne peut effacer une trace récente ; la purge (manage.py purger_consultations) ne demande que
des lignes plus anciennes. TRUNCATE (le vidage des tests transactionnels) ne passe pas par un déclencheur de ligne.
Sur SQLite (développement, tests), rien : le QuerySet du modèle refuse déjà update() et delete()."""

from django.db import migrations

TABLE = "parcours_consultationcarnet"
FONCTION = "parcours_consultation_en_ajout_seul"
DECLENCHEUR = "parcours_consultation_en_ajout_seul"

CREER = f"""
CREATE FUNCTION {FONCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'Le journal des consultations est en ajout seul : une consultation ne se modifie pas.'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- 12 mois comptés en UTC, quel que soit le fuseau de la session (l'application compte de même).
    IF OLD.date > ((clock_timestamp() AT TIME ZONE 'UTC') - INTERVAL '12 months') AT TIME ZONE 'UTC' THEN
        RAISE EXCEPTION USING
            MESSAGE = 'Le journal des consultations est en ajout seul : une consultation de moins de 12 mois '
                || 'ne se supprime pas.',
            ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN OLD;
END;
$$;
CREATE TRIGGER {DECLENCHEUR} BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION {FONCTION}();
"""

SUPPRIMER = f"""
DROP TRIGGER IF EXISTS {DECLENCHEUR} ON {TABLE};
DROP FUNCTION IF EXISTS {FONCTION}();
"""


def _sur_postgresql(sql):
    def executer(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return executer


class Migration(migrations.Migration):
    dependencies = [
        ("parcours", "0012_espace_personne"),
    ]

    operations = [
        migrations.RunPython(_sur_postgresql(CREER), _sur_postgresql(SUPPRIMER), elidable=False),
    ]
