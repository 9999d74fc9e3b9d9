"""Panne : PostgreSQL arrêté (`pg_ctl stop -m fast`), 5 secondes à l'arrêt, puis relancé, pendant que des clients
connectés lisent des carnets et y ajoutent des notes. Le cluster est à nous (initdb, pg_ctl, port libre) : le
PostgreSQL partagé du port 5432 n'est jamais touché.

Attendu : une requête n'échoue que si elle a commencé avant le retour de la base et fini après le début de l'arrêt ;
l'échec est la page d'erreur du projet (500, « Une erreur est survenue »), jamais une page blanche ni une connexion
coupée ; les requêtes réussissent de nouveau moins de 10 secondes après le redémarrage (la connexion persistante
morte, `CONN_MAX_AGE`, est remplacée grâce à `CONN_HEALTH_CHECKS`) ; aucune écriture partielle : chaque note a son
événement de frise, chaque note confirmée (302) est en base une fois, aucune note en double."""

import json
import subprocess
import sys
import time

import pytest

from tests.pannes.decor import PREFIXE
from tests.pannes.outils import RACINE, Charge, Client, ClusterPostgres, Serveur

pytestmark = [pytest.mark.panne]

NOMBRE_CARNETS = 4
NOMBRE_CLIENTS = 3
CHARGE_AVANT_SECONDES = 8
ARRET_SECONDES = 5
CHARGE_APRES_SECONDES = 15
RETOUR_MAX_SECONDES = 10
PAGE_D_ERREUR = "Une erreur est survenue"


def gerer(url_base: str, code: str) -> dict:
    """Un `manage.py shell -c` branché sur le cluster à nous ; rend le JSON qu'il écrit."""
    sortie = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=RACINE,
        env={**_environnement(url_base)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert sortie.returncode == 0, sortie.stderr[-3000:]
    return json.loads(sortie.stdout.strip().splitlines()[-1])


def _environnement(url_base: str) -> dict:
    import os

    environnement = {**os.environ, "DATABASE_URL": url_base, "SPIE_MFA_OBLIGATOIRE": "0"}
    environnement.pop("REDIS_URL", None)  # cache mémoire et tâches immédiates : la panne porte sur PostgreSQL
    return environnement


def test_postgresql_redemarre_sous_charge_sans_ecriture_partielle(tmp_path):
    debut = time.monotonic()
    with ClusterPostgres() as cluster:
        subprocess.run(
            ["createdb", "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres", "spie"], check=True, timeout=60
        )
        url_base = cluster.url("spie")
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=RACINE,
            env=_environnement(url_base),
            check=True,
            timeout=600,
        )
        duree_migrations = time.monotonic() - debut
        decor = gerer(url_base, f"from tests.pannes.decor import preparer; preparer({NOMBRE_CARNETS})")
        environnement = _environnement(url_base)
        with Serveur(tmp_path, **{cle: environnement[cle] for cle in ("DATABASE_URL",)}, REDIS_URL="") as serveur:
            clients = [Client(serveur.adresse, decor["cookies"]) for _ in range(NOMBRE_CLIENTS)]
            confirmees: list[str] = []

            def lire_et_ecrire(client: Client, numero: int) -> None:
                rang = clients.index(client)
                carnet = (rang + numero) % NOMBRE_CARNETS
                client.envoyer("page", decor["carnets"][carnet])
                texte = f"{PREFIXE}-{rang}-{numero}"
                reponse = client.envoyer(
                    "note", decor["notes"][carnet], {"texte": texte, "visibilite": decor["visibilite"]}
                )
                if reponse.code == 302:
                    confirmees.append(texte)

            assert clients[0].envoyer("page", decor["carnets"][0]).code == 200, "le serveur ne sert pas le carnet"
            clients[0].requetes.clear()
            with Charge(lire_et_ecrire, clients, pause=0.05, maximum=2000, duree_max=120):
                time.sleep(CHARGE_AVANT_SECONDES)
                debut_arret = time.monotonic()
                cluster.pg_ctl("stop", "-m", "fast")
                time.sleep(ARRET_SECONDES)
                cluster.pg_ctl("start")
                retour = time.monotonic()
                time.sleep(CHARGE_APRES_SECONDES)

        etat = gerer(url_base, "from tests.pannes.decor import invariants; invariants()")

    requetes = sorted((r for client in clients for r in client.requetes), key=lambda r: r.debut)
    attendu = {"page": 200, "note": 302}
    reussies = [r for r in requetes if r.code == attendu[r.nature]]
    echouees = [r for r in requetes if r.code != attendu[r.nature]]
    pendant_l_arret = [r for r in echouees if r.debut < retour and r.fin > debut_arret]
    hors_arret = [r for r in echouees if r not in pendant_l_arret]
    pages_blanches = [r for r in echouees if r.code != 500 or PAGE_D_ERREUR not in r.corps]
    apres = [r for r in reussies if r.debut >= retour]
    delai_retour = (apres[0].fin - retour) if apres else float("inf")
    notes_a_l_arret = sum(1 for r in pendant_l_arret if r.nature == "note")
    textes = etat["textes"]
    print(
        f"\nPostgreSQL redémarré : {len(requetes)} requêtes essayées ({sum(r.nature == 'note' for r in requetes)}"
        f" écritures), {len(reussies)} réussies, {len(pendant_l_arret)} échouées pendant l'arrêt"
        f" ({notes_a_l_arret} écritures), {len(hors_arret)} échouées hors arrêt, {len(pages_blanches)} pages"
        f" blanches ; retour {delai_retour:.2f} s après le redémarrage ; {len(confirmees)} notes confirmées,"
        f" {len(textes)} en base, {len(textes) - len(set(textes))} en double ; notes/événements par carnet"
        f" {etat['notes_par_carnet']} / {etat['evenements_par_carnet']} ; arrêt de"
        f" {retour - debut_arret:.1f} s ; migrations {duree_migrations:.0f} s, total {time.monotonic() - debut:.0f} s"
    )
    assert len(requetes) >= 50, "trop peu de requêtes pour une charge"
    assert pendant_l_arret, "aucune requête n'a rencontré l'arrêt : la panne n'a rien éprouvé"
    assert not hors_arret, [(r.nature, r.code, round(r.debut - debut_arret, 2)) for r in hors_arret]
    assert not pages_blanches, [(r.nature, r.code, r.corps[:200]) for r in pages_blanches]
    assert delai_retour < RETOUR_MAX_SECONDES
    assert all(r.code == attendu[r.nature] for r in requetes if r.debut >= retour), "un échec après le retour"
    assert sorted(set(confirmees)) == sorted(confirmees)
    assert set(confirmees) <= set(textes), "une note confirmée manque en base"
    assert len(textes) == len(set(textes)), "une note en double"
    assert etat["notes_par_carnet"] == etat["evenements_par_carnet"], "une note sans son événement, ou l'inverse"
