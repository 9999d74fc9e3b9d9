"""Le décor des pannes PostgreSQL, écrit dans le cluster à nous par un sous-processus (`manage.py shell`) : le
processus de test, lui, reste branché sur la base de test habituelle. Chaque fonction écrit son résultat en JSON."""

import json
from datetime import date

from django.test import Client
from django.urls import reverse

from parcours import referentiels
from parcours import services as carnet_services
from parcours.models import EvenementCarnet, Note
from partenaires.choix import Role
from tests.factories import OrganisationFactory, membre

PREFIXE = "panne-pg"


def preparer(nombre_carnets: int) -> None:
    referentiels.charger_tout()
    organisation = OrganisationFactory(nom="Département des Landes")
    referente = membre(organisation, Role.PROFESSIONNEL).utilisateur
    carnets = [
        carnet_services.ouvrir_carnet(
            acteur=referente,
            organisation=organisation,
            nom=f"Morcenx{numero}",
            prenom="Jade",
            date_naissance=date(1990, 5, 1 + numero),
            ignorer_doublons=True,
        )
        for numero in range(nombre_carnets)
    ]
    client = Client()
    client.force_login(referente)
    page = client.get(reverse("parcours:carnet", args=[carnets[0].uuid]))
    assert page.status_code == 200, page.status_code
    print(
        json.dumps(
            {
                "cookies": {nom: morceau.value for nom, morceau in client.cookies.items()},
                "carnets": [reverse("parcours:carnet", args=[carnet.uuid]) for carnet in carnets],
                "notes": [reverse("parcours:note_ajouter", args=[carnet.uuid]) for carnet in carnets],
                "visibilite": carnet_services.visibilites_permises(carnets[0], referente, organisation)[-1],
            }
        )
    )


def invariants() -> None:
    """Par carnet : autant d'événements « note ajoutée » dans la frise que de notes ; la liste des textes de notes."""
    notes = list(Note.objects.filter(texte__startswith=PREFIXE).values_list("carnet_id", "texte"))
    par_carnet_notes: dict[int, int] = {}
    for carnet_id, _ in notes:
        par_carnet_notes[carnet_id] = par_carnet_notes.get(carnet_id, 0) + 1
    par_carnet_evenements = {
        carnet_id: EvenementCarnet.objects.filter(carnet_id=carnet_id, type=EvenementCarnet.Type.NOTE_AJOUTEE).count()
        for carnet_id in set(par_carnet_notes)
        | set(
            EvenementCarnet.objects.filter(type=EvenementCarnet.Type.NOTE_AJOUTEE).values_list("carnet_id", flat=True)
        )
    }
    print(
        json.dumps(
            {
                "textes": [texte for _, texte in notes],
                "notes_par_carnet": {str(cle): valeur for cle, valeur in par_carnet_notes.items()},
                "evenements_par_carnet": {str(cle): valeur for cle, valeur in par_carnet_evenements.items()},
            }
        )
    )
