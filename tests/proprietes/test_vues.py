"""Les vues POST qui écrivent, appelées par le client de test connecté avec un acteur autorisé et des données
générées champ par champ (d'après le formulaire de la vue) : aucune réponse 500 (le client de test relève toute
exception), et quand la vue refuse (page de nouveau, 400, 403, 404…) aucune ligne n'a changé dans les tables
qu'elle touche. Chaque exemple tourne dans un point de sauvegarde annulé : ils ne se gênent pas entre eux."""

from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.proprietes.compteur import compter
from tests.proprietes.decor import Decor
from tests.proprietes.strategies import donnees_de
from tests.proprietes.test_formulaires import construire

EXEMPLES_PAR_VUE = 60


@dataclass
class Vue:
    url: Any  # decor → URL
    acteur: Any  # decor → utilisateur autorisé
    formulaire: Any  # decor → formulaire non lié qui décrit les champs postés
    tables: tuple[str, ...]  # modèles « app.Modele » dont le compte ne change pas après un refus
    extra: Any = None  # stratégie de champs ajoutés (boutons, champs hors formulaire)


def _form(nom_classe, **arguments):
    from tests.proprietes.test_formulaires import _CLASSES

    return lambda d: construire(_CLASSES[nom_classe], d, data=None, **arguments)


CARNET = ("parcours.EvenementCarnet", "parcours.Carnet")
VUES = {
    "note": Vue(
        url=lambda d: reverse("parcours:note_ajouter", args=[d.carnet.uuid]),
        acteur=lambda d: d.referente,
        formulaire=_form("parcours.forms.NoteForm"),
        tables=("parcours.Note", *CARNET),
    ),
    "rendez_vous": Vue(
        url=lambda d: reverse("parcours:rendez_vous_ajouter", args=[d.carnet.uuid]),
        acteur=lambda d: d.referente,
        formulaire=_form("parcours.forms.RendezVousForm"),
        tables=("parcours.RendezVous", *CARNET),
    ),
    "intervenant": Vue(
        url=lambda d: reverse("parcours:intervenant_ajouter", args=[d.carnet.uuid]),
        acteur=lambda d: d.referente,
        formulaire=_form("parcours.forms.IntervenantForm"),
        tables=("parcours.Intervenant", *CARNET),
    ),
    "objectif": Vue(
        url=lambda d: reverse("parcours:objectif_ajouter", args=[d.carnet.uuid]),
        acteur=lambda d: d.referente,
        formulaire=_form("parcours.forms.ObjectifForm"),
        tables=("parcours.Objectif", *CARNET),
    ),
    "action": Vue(
        url=lambda d: reverse("parcours:action_ajouter", args=[d.carnet.uuid, d.objectif.uuid]),
        acteur=lambda d: d.referente,
        formulaire=_form("parcours.forms.ActionForm"),
        tables=("parcours.Action", "parcours.Objectif", *CARNET),
    ),
    "orientation": Vue(
        url=lambda d: (
            reverse("parcours:orientation_service_nouvelle", args=[d.carnet.uuid]) + f"?service={d.service.uuid}"
        ),
        acteur=lambda d: d.referente,
        formulaire=_form("parcours.orientation_service.forms.OrientationForm"),
        tables=("parcours.OrientationService", "parcours.Action", "parcours.Objectif", *CARNET),
    ),
    "diagnostic": Vue(
        url=lambda d: reverse("parcours:diagnostic_modifier", args=[d.carnet.uuid, d.diagnostic.uuid]),
        acteur=lambda d: d.referente,
        formulaire=_form("parcours.diagnostic.forms.SituationForm"),
        tables=("parcours.Diagnostic", "parcours.EvaluationDomaine", "parcours.ProjetProfessionnel", *CARNET),
        extra=st.fixed_dictionaries(
            {
                "suite": st.sampled_from(["", "enregistrer", "projet", "chercher", "retirer:x", "retirer:" + "0" * 32]),
                "revision": st.one_of(st.integers(-(10**20), 10**20).map(str), st.text(max_size=5)),
                "metier": st.text(max_size=30),
            }
        ),
    ),
    "service": Vue(
        url=lambda d: reverse("offre:service_creer", args=[d.service.structure.uuid]),
        acteur=lambda d: d.referente,
        formulaire=_form("offre.catalogue.forms.ServiceForm"),
        tables=("offre.Service", "offre.Structure"),
    ),
    "session": Vue(
        url=lambda d: reverse("offre:session_ajouter", args=[d.service.uuid]),
        acteur=lambda d: d.referente,
        formulaire=_form("offre.catalogue.forms.SessionForm"),
        tables=("offre.SessionService", "offre.Service"),
    ),
    "decision": Vue(
        url=lambda d: reverse("gouvernance:decision_ajouter", args=[d.seance.uuid, d.point.uuid]),
        acteur=lambda d: d.comite.secretaire,
        formulaire=_form("gouvernance.deliberation.forms.DecisionForm"),
        tables=("gouvernance.Decision", "gouvernance.Point", "gouvernance.Seance"),
    ),
    "seance": Vue(
        url=lambda d: reverse("gouvernance:seance_creer", args=[d.comite.comite.uuid]),
        acteur=lambda d: d.comite.secretaire,
        formulaire=_form("gouvernance.seances.forms.SeanceForm"),
        tables=("gouvernance.Seance", "gouvernance.Point"),
    ),
}
REFUS = {200, 400, 403, 404, 409, 422}


def _comptes(tables) -> dict[str, int]:
    from django.apps import apps

    return {table: apps.get_model(table).objects.count() for table in tables}


@pytest.mark.parametrize("nom", VUES)
def test_une_vue_qui_ecrit_ne_repond_jamais_500_ni_n_ecrit_a_moitie(nom, client, connecter, db):
    vue, decor = VUES[nom], Decor()
    url = vue.url(decor)
    connecter(vue.acteur(decor))
    modele = vue.formulaire(decor)
    strategie = st.tuples(donnees_de(modele), vue.extra if vue.extra is not None else st.just({}))

    @settings(max_examples=EXEMPLES_PAR_VUE, suppress_health_check=list(HealthCheck))
    @given(strategie)
    def propriete(tirage):
        compter(f"vue {nom}")
        (donnees, envois), extra = tirage
        corps = {cle: donnees.getlist(cle) for cle in donnees} | dict(extra) | dict(envois.items())
        with transaction.atomic():
            avant = _comptes(vue.tables)
            reponse = client.post(url, corps)
            assert reponse.status_code != 500
            if reponse.status_code in REFUS:
                assert _comptes(vue.tables) == avant, f"Écriture partielle après un refus ({reponse.status_code})"
            else:
                assert reponse.status_code == 302, reponse.status_code
            transaction.set_rollback(True)

    propriete()


@pytest.mark.parametrize(
    ("methode", "url", "donnees"),
    [
        ("post", lambda d: reverse("parcours:intervenant_ajouter", args=[d.carnet.uuid]), {"email": "a\x00b@x.fr"}),
        ("get", lambda d: reverse("parcours:mes_carnets"), {"q": "Lal\x00anne"}),
        ("post", lambda d: reverse("parcours:note_ajouter", args=[d.carnet.uuid]), {"texte\x00": "x"}),
    ],
    ids=["email-d-un-intervenant", "recherche", "nom-de-champ"],
)
def test_un_caractere_nul_est_refuse_partout_sans_erreur_serveur(methode, url, donnees, client, connecter, db):
    """Trouvé par la propriété ci-dessus sur PostgreSQL : un e-mail d'intervenant contenant U+0000 donnait une erreur
    serveur (« PostgreSQL text fields cannot contain NUL »), car la vue le cherche avant de valider le formulaire."""
    from parcours.models import Intervenant

    decor = Decor()
    adresse = url(decor)
    connecter(decor.referente)
    avant = Intervenant.objects.count()
    reponse = getattr(client, methode)(adresse, donnees)
    assert reponse.status_code == 400
    assert "caractère nul" in reponse.content.decode()
    assert Intervenant.objects.count() == avant
