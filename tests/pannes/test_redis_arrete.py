"""Panne : Redis (cache et courtier Celery) arrêté 60 secondes sous charge, puis relancé vide (sans persistance),
pendant que des clients connectés lisent des pages, qu'un client anonyme échoue à se connecter (les limites d'allauth
comptent dans le cache) et qu'un autre demande des PDF de diagnostic (`spie.documents.demander`). Le Redis est à
nous (redis-server, port libre) : le Redis partagé du port 6379 n'est jamais touché. gunicorn et un worker Celery
tournent sur la base de test PostgreSQL.

Attendu : chaque page répond pendant la panne (`spie.cache.CacheRedisTolerant` répond « absent ») ; chaque demande
de PDF faite pendant la panne est enregistrée (la page de suivi s'affiche), sa tâche n'a pas pu partir
(`spie.celery.TacheSpie` le journalise, la ligne reste « en attente ») ; Redis revenu, le passage de beat
(`relancer_documents`, joué ici à l'heure où il la verrait perdue : `ATTENTE_MAX` après la demande) la ré-enfile et
chaque document est produit une fois : ni perdu, ni en double. Les sessions sont en base : aucune n'est perdue."""

import re
import subprocess
import sys
import time
from datetime import date, timedelta

import pytest
from django.test import Client as ClientDjango
from django.urls import reverse

from parcours import referentiels
from parcours import services as carnet_services
from partenaires.choix import Role
from spie import documents
from spie.models import DocumentGenere
from tests.factories import OrganisationFactory, membre
from tests.pannes.outils import RACINE, Charge, Client, RedisAMoi, Serveur
from tests.parcours.conftest import diagnostic_valide
from tests.worker import EXIGE_REDIS_ET_POSTGRESQL, WorkersCelery

pytestmark = [pytest.mark.panne, *EXIGE_REDIS_ET_POSTGRESQL]

NOMBRE_CARNETS = 8  # deux PDF par carnet (pour l'équipe, pour la personne) : 16 demandes différentes au plus
CHARGE_AVANT_SECONDES = 10
PANNE_SECONDES = 60
CHARGE_APRES_SECONDES = 10
PAUSE_DOCUMENTS_SECONDES = 5
PRODUCTION_MAX_SECONDES = 150
MOT_DE_PASSE = "Un mot de passe bien long 42"


def preparer():
    referentiels.charger_tout()  # un test transactionnel précédent a pu vider les référentiels
    organisation = OrganisationFactory(nom="Département des Landes")
    referente = membre(organisation, Role.PROFESSIONNEL).utilisateur
    demandes, pages = [], []
    for numero in range(NOMBRE_CARNETS):
        carnet = carnet_services.ouvrir_carnet(
            acteur=referente,
            organisation=organisation,
            nom=f"Sabres{numero}",
            prenom="Jade",
            date_naissance=date(1988, 7, 1 + numero),
            ignorer_doublons=True,
        )
        diagnostic = diagnostic_valide(carnet, referente)
        pdf = reverse("parcours:diagnostic_pdf", args=[carnet.uuid, diagnostic.uuid])
        demandes += [pdf, f"{pdf}?pour=personne"]
        pages.append(reverse("parcours:carnet", args=[carnet.uuid]))
    navigateur = ClientDjango()
    navigateur.force_login(referente)  # une session en base (moteur par défaut de Django)
    return {nom: morceau.value for nom, morceau in navigateur.cookies.items()}, pages, demandes


def passage_de_beat(environnement) -> int:
    """`relancer_documents` dans un autre processus (branché sur notre Redis), à l'heure où beat verrait chaque
    document encore en attente comme perdu."""
    derniere = (
        DocumentGenere.objects.filter(statut=DocumentGenere.Statut.EN_ATTENTE)
        .order_by("-date_demande")
        .values_list("date_demande", flat=True)
        .first()
    )
    if derniere is None:
        return 0
    heure = derniere + documents.ATTENTE_MAX + timedelta(seconds=1)
    code = (
        "import sys, django; django.setup(); from django.utils.dateparse import parse_datetime;"
        " from spie import documents; print(documents.relancer(maintenant=parse_datetime(sys.argv[1])))"
    )
    sortie = subprocess.run(
        [sys.executable, "-c", code, heure.isoformat()],
        cwd=RACINE,
        env=environnement,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert sortie.returncode == 0, sortie.stderr[-3000:]
    return int(sortie.stdout.strip().splitlines()[-1])


@pytest.fixture
def redis_a_moi():
    with RedisAMoi() as redis:
        yield redis


def test_redis_arrete_une_minute_sous_charge_les_pages_repondent_et_aucun_document_ne_se_perd(
    redis_a_moi, tmp_path, transactional_db
):
    debut = time.monotonic()
    cookies, pages, demandes = preparer()
    with WorkersCelery(tmp_path, REDIS_URL=redis_a_moi.url) as workers:
        environnement = {
            **workers.environnement,
            "REDIS_URL": redis_a_moi.url,
            "CELERY_TASK_DEFAULT_QUEUE": workers.file,
            "DJANGO_SETTINGS_MODULE": "spie.settings",
        }
        workers.demarrer(pool="solo")
        with Serveur(
            tmp_path,
            **{cle: environnement[cle] for cle in ("DATABASE_URL", "REDIS_URL")},
            CELERY_TASK_DEFAULT_QUEUE=workers.file,
        ) as serveur:
            lecteurs = [Client(serveur.adresse, dict(cookies)) for _ in range(2)]
            anonyme = Client(serveur.adresse, {})
            demandeur = Client(serveur.adresse, dict(cookies))
            suivis: list[str] = []

            def lire(client: Client, numero: int) -> None:
                rang = lecteurs.index(client) if client in lecteurs else 0
                client.envoyer("page", pages[(numero + rang) % len(pages)])
                client.envoyer("page", "/")
                if suivis:
                    client.envoyer("page", suivis[numero % len(suivis)])

            def se_tromper(client: Client, numero: int) -> None:
                if "csrftoken" not in client.cookies:
                    client.envoyer("page", "/comptes/login/")
                client.envoyer(
                    "connexion", "/comptes/login/", {"login": "inconnue@exemple.fr", "password": MOT_DE_PASSE}
                )

            def demander(client: Client, numero: int) -> None:
                if numero >= len(demandes):
                    return
                reponse = client.envoyer("document", demandes[numero])
                if reponse.code == 302 and reponse.localisation.startswith("/documents/"):
                    suivis.append(reponse.localisation)

            with (
                Charge(lire, lecteurs, pause=0.2, maximum=5000, duree_max=200),
                Charge(se_tromper, [anonyme], pause=1.5, maximum=500, duree_max=200),
                Charge(demander, [demandeur], pause=PAUSE_DOCUMENTS_SECONDES, maximum=len(demandes), duree_max=200),
            ):
                time.sleep(CHARGE_AVANT_SECONDES)
                debut_panne = time.monotonic()
                redis_a_moi.arreter()
                time.sleep(PANNE_SECONDES)
                redis_a_moi.demarrer()
                fin_panne = time.monotonic()
                time.sleep(CHARGE_APRES_SECONDES)

            # Redis revenu : beat repasse tant qu'un document attend (au plus PRODUCTION_MAX_SECONDES).
            relances, limite = 0, time.monotonic() + PRODUCTION_MAX_SECONDES
            prochain_beat = 0.0
            while (
                time.monotonic() < limite and DocumentGenere.objects.exclude(statut=DocumentGenere.Statut.PRET).exists()
            ):
                if time.monotonic() >= prochain_beat:
                    relances += passage_de_beat(environnement)
                    prochain_beat = time.monotonic() + 30
                time.sleep(1)
            journal = serveur.texte_du_journal()

    requetes = sorted((r for client in (*lecteurs, anonyme, demandeur) for r in client.requetes), key=lambda r: r.debut)
    attendu = {"page": {200}, "connexion": {200, 429}, "document": {302}}
    repondues = [r for r in requetes if r.code in attendu[r.nature]]
    pendant = [r for r in requetes if r.debut < fin_panne and r.fin > debut_panne]
    pages_pendant = [r for r in pendant if r.nature != "document"]
    demandes_pendant = [r for r in requetes if r.nature == "document" and debut_panne <= r.debut and r.fin <= fin_panne]
    uuids = {
        trouve.group(1)
        for r in demandes_pendant
        if r.code == 302 and (trouve := re.search(r"^/documents/([0-9a-f-]+)/$", r.localisation))
    }
    lignes = list(DocumentGenere.objects.all())
    pendant_la_panne = [document for document in lignes if str(document.uuid) in uuids]
    produits = [document for document in pendant_la_panne if document.statut == DocumentGenere.Statut.PRET]
    fichiers = sorted(str(chemin) for chemin in (tmp_path / "media").rglob("*") if chemin.is_file())
    en_double = (len(lignes) - len({(d.producteur, str(d.parametres)) for d in lignes})) + (
        len(fichiers) - sum(d.statut == DocumentGenere.Statut.PRET for d in lignes)
    )
    print(
        f"\nRedis arrêté {fin_panne - debut_panne:.0f} s : {len(requetes)} requêtes essayées, {len(repondues)}"
        f" répondues (dont {len(pages_pendant)} pages et connexions pendant la panne,"
        f" {sum(r.code in attendu[r.nature] for r in pages_pendant)} répondues) ; {len(demandes_pendant)} documents"
        f" demandés pendant la panne, {len(produits)} produits, {len(demandes_pendant) - len(produits)} perdus,"
        f" {en_double} en double ;"
        f" {len(lignes)} documents en tout, {sum(d.statut == DocumentGenere.Statut.PRET for d in lignes)} prêts,"
        f" {relances} ré-enfilés par beat ; durée totale {time.monotonic() - debut:.0f} s"
    )
    assert len(pages_pendant) >= 100, "trop peu de pages pendant la panne"
    assert len(repondues) == len(requetes), [(r.nature, r.code, r.corps[:200]) for r in requetes if r not in repondues]
    assert len(demandes_pendant) >= 8, "trop peu de documents demandés pendant la panne"
    assert len(uuids) == len(demandes_pendant), "une demande faite pendant la panne n'a pas mené à son document"
    assert len(produits) == len(demandes_pendant), [(d.pk, d.statut, d.erreur) for d in pendant_la_panne]
    assert all(d.statut == DocumentGenere.Statut.PRET for d in lignes), [(d.pk, d.statut, d.erreur) for d in lignes]
    assert en_double == 0
    assert relances >= len(uuids), "beat aurait dû ré-enfiler les documents demandés pendant la panne"
    assert "Courtier injoignable : tâche spie.tasks.produire_document" in journal
    assert "Cache Redis injoignable" in journal
