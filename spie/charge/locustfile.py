"""Les utilisateurs simulés d'un scénario de `manage.py mesurer_charge`, lancé par locust dans un processus à part.

Ce fichier n'importe pas Django : il lit le plan du scénario (JSON, variable SPIE_CHARGE_PLAN) écrit par la commande
(profils d'utilisateurs, clés de leurs sessions connectées, requêtes et leurs chemins) et écrit chaque requête
mesurée (nom, durée en ms, réussie) dans SPIE_CHARGE_MESURES à la fin du passage. Le temps d'attente entre deux
requêtes vient du plan (`reflexion_s`) : tiré entre deux bornes (régime « utilisateurs »), ou nul (None, régime
« saturation » : chaque utilisateur enchaîne ses requêtes, comme wrk). Avec réflexion, chaque utilisateur commence
après un délai tiré entre 0 et la borne haute (des personnes ne cliquent pas toutes à la même seconde : sinon le
départ serait une rafale de saturation), et le formulaire d'une note se remplit pendant un temps de réflexion avant
son envoi.

Une réponse inattendue compte comme erreur : un statut autre que celui attendu (une redirection vers la page de
connexion n'est jamais suivie, elle échoue), ou une note dont l'envoi ne renvoie pas vers l'onglet des notes."""

import itertools
import json
import os
import random
import re
import time

from locust import HttpUser, between, constant, events, task

with open(os.environ["SPIE_CHARGE_PLAN"], encoding="utf-8") as _fichier:
    PLAN = json.load(_fichier)
MESURES: list[list] = []
EXEMPLES_D_ERREURS: dict[str, list[str]] = {}
BORNES = {}
CHAMP = re.compile(r"<input\b[^>]*>", re.IGNORECASE)


def valeur_du_champ(html: str, nom: str) -> list[str]:
    """Les valeurs des `<input name="nom" value="…">` d'une page (l'ordre des attributs est libre)."""
    valeurs = []
    for balise in CHAMP.findall(html):
        if re.search(rf'\bname="{re.escape(nom)}"', balise):
            trouvee = re.search(r'\bvalue="([^"]*)"', balise)
            if trouvee:
                valeurs.append(trouvee.group(1))
    return valeurs


@events.test_start.add_listener
def _debut(**kwargs):
    BORNES["debut"] = time.time()


@events.request.add_listener
def _noter(request_type, name, response_time, response_length, exception=None, **kwargs):
    MESURES.append([name, response_time, exception is None])
    if exception is not None:
        exemples = EXEMPLES_D_ERREURS.setdefault(name, [])
        if len(exemples) < 5:
            exemples.append(str(exception)[:300])


@events.test_stop.add_listener
def _fin(**kwargs):
    BORNES["fin"] = time.time()
    with open(os.environ["SPIE_CHARGE_MESURES"], "w", encoding="utf-8") as sortie:
        json.dump({**BORNES, "mesures": MESURES, "exemples_d_erreurs": EXEMPLES_D_ERREURS}, sortie)


class UtilisateurConnecte(HttpUser):
    abstract = True
    wait_time = between(*PLAN["reflexion_s"]) if PLAN.get("reflexion_s") else constant(0)
    profil: dict = {}
    _rangs = None

    def on_start(self):
        cle = self.profil["sessions"][next(self._rangs) % len(self.profil["sessions"])]
        self.client.cookies.set(PLAN["cookie_session"], cle)
        if PLAN.get("reflexion_s"):
            time.sleep(random.uniform(0, PLAN["reflexion_s"][1]))  # coopératif : locust patche time par gevent

    @task
    def une_requete(self):
        requete = random.choice(self.profil["requetes"])
        chemin = random.choice(requete["chemins"])
        if requete["type"] == "note":
            self._note(requete, chemin)
        else:
            self._get(requete["nom"], chemin)

    def _get(self, nom: str, chemin: str):
        with self.client.get(chemin, name=nom, allow_redirects=False, catch_response=True) as reponse:
            if reponse.status_code != 200:
                reponse.failure(f"statut {reponse.status_code} (attendu 200) {reponse.headers.get('Location', '')}")
            return reponse

    def _note(self, requete: dict, chemin: str):
        """Le formulaire réel : la page du carnet (onglet des notes), son jeton CSRF et ses visibilités, puis l'envoi,
        qui doit renvoyer (302) vers l'onglet des notes du même carnet."""
        page = self._get(requete["nom"], f"{chemin}?onglet=notes")
        if page.status_code != 200:
            return
        self.wait()  # le temps d'écrire la note (nul en saturation)
        jetons = valeur_du_champ(page.text, "csrfmiddlewaretoken")
        visibilites = valeur_du_champ(page.text, "visibilite")
        donnees = {
            "csrfmiddlewaretoken": jetons[0] if jetons else "",
            "texte": f"Note de mesure de charge {time.time():.6f}",
            "visibilite": visibilites[-1] if visibilites else "",
        }
        with self.client.post(
            f"{chemin}notes/ajouter/",
            data=donnees,
            name=requete["nom_envoi"],
            allow_redirects=False,
            catch_response=True,
        ) as reponse:
            destination = reponse.headers.get("Location", "")
            if reponse.status_code != 302 or not destination.startswith(chemin) or "onglet=notes" not in destination:
                reponse.failure(f"statut {reponse.status_code} vers « {destination} » (attendu 302 vers les notes)")


# Une classe d'utilisateurs par profil du plan, à poids égal : 20 utilisateurs et deux profils, 10 chacun.
for _profil in PLAN["profils"]:
    _classe = type(
        f"Utilisateur_{_profil['nom']}",
        (UtilisateurConnecte,),
        {"profil": _profil, "_rangs": itertools.count(), "abstract": False, "__module__": __name__},
    )
    globals()[_classe.__name__] = _classe
del _classe, _profil  # locust ne doit trouver chaque classe que sous son nom
