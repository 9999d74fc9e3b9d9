"""La gouvernance de démonstration des Landes : des comités composés, une séance tenue et archivée, une séance à
venir, un plan d'actions chiffré ; chaque page s'ouvre avec ces données, et recharger ne crée rien deux fois."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from gouvernance.choix import ResultatDeliberation, StatutSeance
from gouvernance.models import Comite, Decision, FicheAction, LigneBudget, Mandat, Seance
from partenaires.models import Utilisateur

pytestmark = pytest.mark.django_db


def _etat():
    return [modele.objects.count() for modele in (Comite, Mandat, Seance, Decision, FicheAction, LigneBudget)]


def test_la_demo_montre_une_seance_tenue_une_seance_a_venir_et_le_plan(
    connecter, client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        call_command("charger_demo", verbosity=0)
    etat = _etat()
    assert etat[0] == 3 and etat[4] == 3
    tenue = Seance.objects.get(statut=StatutSeance.CLOTUREE)
    assert tenue.compte_rendu  # archivé à la clôture (tâches immédiates en local)
    assert tenue.points.filter(resultat=ResultatDeliberation.ADOPTEE, voix_preponderante_utilisee=True).exists()
    assert Decision.objects.ouvertes().count() == 2
    a_venir = Seance.objects.get(statut=StatutSeance.PREPARATION)
    assert a_venir.validations.count() == 1

    connecter(Utilisateur.objects.get(email="secretaire@demo.spie.fr"))
    for url in (
        reverse("gouvernance:comites"),
        reverse("gouvernance:comite", args=[tenue.comite.uuid]),
        reverse("gouvernance:seance", args=[tenue.uuid]),
        reverse("gouvernance:seance", args=[a_venir.uuid]),
        reverse("gouvernance:plan", args=[tenue.comite.consortium.uuid]),
        reverse("gouvernance:financeurs", args=[tenue.comite.consortium.uuid]),
        reverse("gouvernance:compte_rendu_telecharger", args=[tenue.uuid]),
    ):
        reponse = client.get(url)
        assert reponse.status_code == 200, url
        if reponse.streaming:
            b"".join(reponse.streaming_content)

    call_command("charger_demo", verbosity=0)
    assert _etat() == etat
