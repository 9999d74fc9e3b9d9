"""La sortie au format data·inclusion v1 : l'export du catalogue d'un territoire (JSON, CSV) et les pages de l'API
publique de lecture. Nombre de requêtes fixe : les structures en une requête, les services (et leur structure) en
une autre, plus le compte pour une page de l'API."""

import csv
import io
import json
import math

from django.core.exceptions import ValidationError
from django.db.models import Q

from offre.echange import correspondance
from offre.models import CritereService, Service, Structure

JSON = "json"
CSV = "csv"
STRUCTURES = "structures"
SERVICES = "services"
TAILLE_PAR_DEFAUT = 100
TAILLE_MAX = 1000


# --- Le catalogue d'un territoire ---------------------------------------------------------------------------


def services_du_territoire(departement: str):
    """Les services publiés du département (celui de leur commune, ou de leur structure pour un service à
    distance), y compris ceux à actualiser : l'export est complet."""
    return Service.objects.publies().filter(departement=departement).select_related("structure").order_by("pk")


def structures_du_territoire(departement: str):
    """Les structures du département, et celles (d'ailleurs) qui portent un service publié du département."""
    return Structure.objects.filter(
        Q(departement=departement) | Q(pk__in=services_du_territoire(departement).values("structure"))
    ).order_by("pk")


def catalogue(departement: str, type_: str = "") -> dict[str, list[dict]]:
    """Le catalogue v1 du territoire, contacts compris (réservé aux professionnels du territoire)."""
    contenu = {}
    if type_ in ("", STRUCTURES):
        contenu[STRUCTURES] = [correspondance.structure_vers_v1(s) for s in structures_du_territoire(departement)]
    if type_ in ("", SERVICES):
        contenu[SERVICES] = [correspondance.service_vers_v1(s) for s in services_du_territoire(departement)]
    return contenu


def en_json(contenu: dict[str, list[dict]], type_: str = "") -> bytes:
    """Un objet `{"structures": [...], "services": [...]}`, ou le tableau d'un seul type."""
    donnees = contenu[type_] if type_ else contenu
    return json.dumps(donnees, ensure_ascii=False, indent=2).encode("utf-8")


def _cellule(valeur) -> str:
    if valeur is None:
        return ""
    if isinstance(valeur, list):
        return ", ".join(valeur)
    return str(valeur)


def en_csv(objets: list[dict], type_: str) -> bytes:
    """Un CSV UTF-8 (avec BOM, pour les tableurs), séparé par des virgules, une colonne par champ v1 ; les listes
    dans une cellule séparées par des virgules."""
    champs = correspondance.CHAMPS_STRUCTURE if type_ == STRUCTURES else correspondance.CHAMPS_SERVICE
    sortie = io.StringIO()
    ecrivain = csv.writer(sortie, lineterminator="\r\n")
    ecrivain.writerow(champs)
    for objet in objets:
        ecrivain.writerow([_cellule(objet[champ]) for champ in champs])
    return sortie.getvalue().encode("utf-8-sig")


# --- L'API publique -----------------------------------------------------------------------------------------


def _page(queryset, vers_v1, page: int, taille: int) -> dict:
    total = queryset.count()
    pages = math.ceil(total / taille)
    if page > max(pages, 1):
        raise ValidationError({"page": [f"La page {page} n'existe pas : il y a {pages} page(s) de {taille}."]})
    debut = (page - 1) * taille
    items = [vers_v1(objet) for objet in queryset[debut : debut + taille]]
    return {"items": items, "total": total, "page": page, "taille": taille, "pages": pages}


def page_de_structures(*, departement="", source="", page=1, taille=TAILLE_PAR_DEFAUT) -> dict:
    structures = Structure.objects.order_by("pk")
    if departement:
        structures = structures.filter(departement=departement)
    if source:
        structures = structures.filter(source=source)
    return _page(structures, lambda s: correspondance.structure_vers_v1(s, avec_contacts=False), page, taille)


def page_de_services(*, departement="", thematique="", source="", page=1, taille=TAILLE_PAR_DEFAUT) -> dict:
    """Les services publiés et dans les résultats (pas trop en retard d'actualisation), sans contact : ni nom, ni
    courriel, ni téléphone du contact du service."""
    services = Service.objects.dans_les_resultats().select_related("structure").order_by("pk")
    if departement:
        services = services.filter(departement=departement)
    if thematique:
        criteres = CritereService.objects.filter(
            nature__in=[CritereService.Nature.THEMATIQUE, CritereService.Nature.CATEGORIE], code=thematique
        )
        services = services.filter(pk__in=criteres.values("service"))
    if source:
        services = services.filter(source=source)
    return _page(services, lambda s: correspondance.service_vers_v1(s, avec_contacts=False), page, taille)
