"""Panne : un worker Celery (prefork, concurrence 2, comme en production) est tué par SIGKILL — lui, ses enfants et
leurs rendus PDF — pendant qu'il produit des PDF. Chaque document demandé finit prêt, une seule fois.

Ce qui reprend les tâches tuées, en production : rien ne les redélivre avant une heure (kombu garde une tâche livrée
mais pas acquittée, acks_late, dans son hachage `unacked` jusqu'à `visibility_timeout`, 3 600 s par défaut, non réglé
dans spie/settings.py). C'est `relancer` (tâche beat toutes les 5 minutes, commande `relancer_documents`) qui
ré-enfile un document « en cours » au-delà de `duree_production_max()` (3 minutes). Le test joue ce passage de beat :
la commande est appelée, horloge du processus de test avancée au moment où beat la lancerait. Puis il joue aussi la
redélivrance tardive des tâches tuées (celle qui arrive une heure après) : elle ne doit rien refaire."""

import io
import re
import time
from datetime import date, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from parcours import referentiels
from parcours import services as carnet_services
from partenaires.choix import Role
from spie import documents
from spie.models import DocumentGenere
from tests.factories import OrganisationFactory, membre
from tests.parcours.conftest import diagnostic_valide
from tests.worker import EXIGE_REDIS_ET_POSTGRESQL, WorkersCelery

pytestmark = [pytest.mark.panne, *EXIGE_REDIS_ET_POSTGRESQL]

NOMBRE_DOCUMENTS = 20
ATTENTE_MAX_SECONDES = 120  # après le redémarrage du worker
PERIODE_BEAT_SECONDES = 5  # 5 minutes en production : le test resserre l'intervalle, pas le critère


@pytest.fixture
def workers(tmp_path, transactional_db):
    with WorkersCelery(tmp_path) as workers:
        yield workers
    assert not workers.vivants(), f"workers orphelins (groupes de processus {workers.vivants()})"


def demander_les_documents(nombre: int) -> list[DocumentGenere]:
    """Des diagnostics à mettre en PDF (WeasyPrint), deux par carnet : pour l'équipe et pour la personne."""
    referentiels.charger_tout()  # un test transactionnel précédent a pu vider les référentiels
    organisation = OrganisationFactory(nom="Département des Landes")
    referente = membre(organisation, Role.PROFESSIONNEL).utilisateur
    demandes = []
    for numero in range((nombre + 1) // 2):
        carnet = carnet_services.ouvrir_carnet(
            acteur=referente,
            organisation=organisation,
            nom=f"Castets{numero}",
            prenom="Jade",
            date_naissance=date(1991, 3, 1 + numero),
            ignorer_doublons=True,
        )
        diagnostic = diagnostic_valide(carnet, referente)
        for pour_la_personne in (False, True)[: nombre - len(demandes)]:
            demandes.append(
                documents.demander(
                    "parcours.diagnostic",
                    demandeur=referente,
                    titre=f"Diagnostic {numero}",
                    nom_fichier=f"diagnostic-{numero}.pdf",
                    carnet=str(carnet.uuid),
                    diagnostic=str(diagnostic.uuid),
                    pour_la_personne=pour_la_personne,
                )
            )
    return demandes


def en_production() -> set[int]:
    """Les documents « en cours » dont un worker tient le verrou : un PDF est en train d'être produit."""
    with transaction.atomic():
        en_cours = set(
            DocumentGenere.objects.filter(statut=DocumentGenere.Statut.EN_COURS).values_list("pk", flat=True)
        )
        libres = DocumentGenere.objects.filter(pk__in=en_cours).select_for_update(skip_locked=True)
        return en_cours - set(libres.values_list("pk", flat=True))


def compter(statut) -> int:
    return DocumentGenere.objects.filter(statut=statut).count()


def passage_de_beat() -> int:
    """La tâche beat `relancer_documents`, telle qu'elle tournerait à son premier passage où chaque document pas
    encore prêt compte comme perdu s'il n'est plus en production : `duree_production_max()` après sa demande. Rend le
    nombre de documents ré-enfilés (un document en production, verrouillé, est laissé)."""
    derniere = (
        DocumentGenere.objects.exclude(statut=DocumentGenere.Statut.PRET)
        .order_by("-date_demande")
        .values_list("date_demande", flat=True)
        .first()
    )
    if derniere is None:
        return 0
    heure = max(timezone.now(), derniere + documents.duree_production_max() + timedelta(seconds=1))
    sortie = io.StringIO()
    with time_machine.travel(heure, tick=True):
        call_command("relancer_documents", stdout=sortie)
    return int(re.match(r"(\d+) document", sortie.getvalue()).group(1))


def fichiers_produits(dossier) -> list[str]:
    racine = dossier / "media"
    return sorted(str(chemin.relative_to(racine)) for chemin in racine.rglob("*") if chemin.is_file())


def test_un_worker_tue_en_pleine_production_n_empeche_aucun_document_d_etre_pret_une_seule_fois(workers, tmp_path):
    debut = time.monotonic()
    demandes = demander_les_documents(NOMBRE_DOCUMENTS)
    assert len({document.pk for document in demandes}) == NOMBRE_DOCUMENTS

    premier = workers.demarrer(pool="prefork", concurrence=2)
    # La coupure vient quand les deux processus du pool produisent chacun un PDF (ou, à défaut, un seul, passé le
    # quart des documents), après les premiers documents prêts : en plein travail, pas au démarrage.
    limite = time.monotonic() + 90
    interrompus: set[int] = set()
    while time.monotonic() < limite:
        prets = compter(DocumentGenere.Statut.PRET)
        interrompus = en_production() if prets >= 2 else set()
        if len(interrompus) >= 2 or (interrompus and prets >= NOMBRE_DOCUMENTS // 4):
            break
        time.sleep(0.05)
    assert interrompus, "aucun PDF en cours de production n'a été vu en 90 s : la panne n'a rien interrompu"
    workers.tuer(premier)
    assert not workers.vivants(), "le worker tué a laissé des processus"
    coupure = time.monotonic()
    interrompus = set(
        DocumentGenere.objects.filter(pk__in=interrompus, statut=DocumentGenere.Statut.EN_COURS).values_list(
            "pk", flat=True
        )
    )
    prets_a_la_coupure = compter(DocumentGenere.Statut.PRET)
    taches_tuees = workers.non_acquittes()
    assert interrompus, "les PDF vus en production se sont terminés avant le SIGKILL : rien n'a été interrompu"
    assert taches_tuees >= len(interrompus), "les tâches tuées auraient dû rester non acquittées dans Redis"

    workers.demarrer(pool="prefork", concurrence=2)
    limite = time.monotonic() + ATTENTE_MAX_SECONDES
    relances, prochain_beat = 0, 0.0
    while time.monotonic() < limite and DocumentGenere.objects.exclude(statut=DocumentGenere.Statut.PRET).exists():
        # Beat ne passe qu'une fois la file vidée (en production, bien après : 3 minutes au moins).
        if time.monotonic() >= prochain_beat and workers.en_file() == 0:
            relances += passage_de_beat()
            prochain_beat = time.monotonic() + PERIODE_BEAT_SECONDES
        time.sleep(0.5)
    reprise = time.monotonic() - coupure
    prets = {document.pk: (document.fichier.name, document.date_fin) for document in DocumentGenere.objects.all()}

    # Une heure plus tard, Redis redélivre les tâches tuées : elles trouvent leur document prêt et ne refont rien.
    redelivrees = workers.redelivrer_non_acquittes()
    limite_redelivrance = time.monotonic() + 60
    vides = 0
    while time.monotonic() < limite_redelivrance and vides < 3:
        vides = vides + 1 if workers.en_file() == 0 and workers.non_acquittes() == 0 else 0
        time.sleep(0.5)
    assert vides == 3, "les tâches redélivrées n'ont pas été acquittées en 60 s"

    lignes = list(DocumentGenere.objects.order_by("pk"))
    fichiers = fichiers_produits(tmp_path)
    produits = [document for document in lignes if document.statut == DocumentGenere.Statut.PRET]
    perdus = NOMBRE_DOCUMENTS - len(produits)
    en_double = (len(lignes) - NOMBRE_DOCUMENTS) + (len(fichiers) - len(produits))
    print(
        f"\nWorker tué : {NOMBRE_DOCUMENTS} essayés, {len(produits)} produits, {perdus} perdus, {en_double} en double"
        f" ; {len(interrompus)} PDF interrompus en pleine production ({prets_a_la_coupure} prêts avant la coupure,"
        f" {taches_tuees} tâches non acquittées), {relances} ré-enfilés par beat, repris en {reprise:.1f} s ;"
        f" {redelivrees} tâches redélivrées sans effet ; durée totale {time.monotonic() - debut:.1f} s"
    )
    assert [document.pk for document in lignes] == sorted(document.pk for document in demandes), "ligne en double"
    assert perdus == 0, {document.pk: (document.statut, document.erreur) for document in lignes}
    assert relances >= len(interrompus), "beat aurait dû ré-enfiler les documents tués"
    assert redelivrees == taches_tuees
    assert fichiers == sorted(document.fichier.name for document in produits), "un fichier en trop ou manquant"
    for document in produits:
        with document.fichier.open("rb") as fichier:
            assert fichier.read(5) == b"%PDF-"
        assert (document.fichier.name, document.date_fin) == prets[document.pk], "redélivrée, la tâche a refait le PDF"
        assert document.progression == 100 and document.erreur == ""
