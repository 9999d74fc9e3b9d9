"""docker-compose.yml reste valide : les bons services, et des variables que les réglages lisent vraiment."""

import re
from pathlib import Path

import yaml
from django.conf import settings

from tests.spie.test_securite_connexion import _demarrer

RACINE = Path(settings.BASE_DIR)


def compose():
    return yaml.safe_load((RACINE / "docker-compose.yml").read_text(encoding="utf-8"))


def test_la_pile_compose_a_ses_cinq_services_et_les_migrations():
    services = compose()["services"]
    assert {"postgres", "redis", "web", "worker", "beat", "migrate"} <= set(services)
    assert "gunicorn" in services["web"]["command"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "spie", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "spie", "beat"]
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert services["web"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_les_variables_de_compose_sont_lues_par_les_reglages_et_la_production_demarre():
    lues = set(re.findall(r'os\.environ\.get\("([A-Z_]+)"', (RACINE / "spie/settings.py").read_text()))
    lues |= set(re.findall(r'env_(?:bool|list)\("([A-Z_]+)"', (RACINE / "spie/settings.py").read_text()))
    environnement = compose()["x-spie"]["environment"]
    assert set(environnement) <= lues, set(environnement) - lues
    # Les valeurs de compose, avec les hôtes de cette machine : la production démarre.
    valeurs = {
        "SPIE_ENV": environnement["SPIE_ENV"],
        "DJANGO_SECRET_KEY": "cle-de-production-de-test-" * 2,
        "DATABASE_URL": "postgres://spie:spie@127.0.0.1:5432/spie",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "EMAIL_HOST": "smtp.exemple.fr",
        "SPIE_CLES_NIR": "gyKiNp4W2p0zDz-UVM3Upu4ybl8nm_L6XvcGJdJaofQ=",
        "SPIE_CLE_EMPREINTE_NIR": "cle-d-empreinte-du-nir-de-test-0123456789",
    }
    resultat = _demarrer(valeurs)
    assert resultat.returncode == 0, resultat.stderr
