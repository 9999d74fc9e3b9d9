"""Le menu principal, selon le rôle dans l'organisation courante. Les applications suivantes y ajoutent
leurs entrées (carnets, offre, comités) ici, en un seul endroit."""

from dataclasses import dataclass

from django.urls import reverse

from partenaires.choix import Role


@dataclass(frozen=True)
class Entree:
    libelle: str
    url: str
    noms: tuple[str, ...]  # noms d'URL qui rendent l'entrée « page courante »


def entrees(request) -> list[Entree]:
    user = request.user
    if user.is_authenticated and user.est_personne:
        return entrees_de_la_personne()
    menu = [Entree("Accueil", reverse("accueil"), ("accueil",))]
    if not user.is_authenticated:
        return menu
    membre = request.membre_courant
    if membre:
        menu.append(
            Entree(
                "Carnets de bord",
                reverse("parcours:mes_carnets"),
                ("mes_carnets", "carnet", "carnet_ouvrir", "intervenant_ajouter", "intervenant_terminer"),
            )
        )
        menu.append(Entree("À traiter", reverse("parcours:a_traiter"), ("a_traiter",)))
        # L'offre du territoire : la recherche pour tous ; les structures et services que l'on tient à jour (la
        # page dit « aucune » à qui n'en tient pas : pas de requête de plus à chaque page pour le savoir).
        menu.append(Entree("Offre", reverse("offre:recherche"), ("recherche", "service", "structure")))
        menu.append(
            Entree(
                "Mes services",
                reverse("offre:structures"),
                (
                    "structures",
                    "structure_creer",
                    "structure_modifier",
                    "service_creer",
                    "service_modifier",
                    "service_confirmer",
                    "session_ajouter",
                    "session_modifier",
                    "session_annuler",
                ),
            )
        )
        # Les comités que l'on voit (la page dit « aucun » à qui n'en voit pas : pas de requête de plus ici).
        menu.append(
            Entree(
                "Comités",
                reverse("gouvernance:comites"),
                ("comites", "consortium", "comite", "seance", "plan", "fiche", "financeurs", "decisions"),
            )
        )
        menu.append(
            Entree(
                "Orientations reçues",
                reverse("parcours:orientations_recues"),
                ("orientations_recues", "orientation_recue"),
            )
        )
        if membre.role in (Role.CHARGE_ORIENTATION, Role.PILOTE):
            menu.append(
                Entree(
                    "File d'orientation",
                    reverse("parcours:orientation_file"),
                    ("orientation_file", "orientation_decider", "orientation_retard"),
                )
            )
        if membre.role == Role.CHARGE_ORIENTATION:
            menu.append(
                Entree(
                    "Manquements à décider",
                    reverse("parcours:manquements_a_decider"),
                    ("manquements_a_decider", "manquement"),
                )
            )
        # Les équipes pluridisciplinaires que l'on gère ou dont on est membre (la page dit « aucune » sinon).
        menu.append(
            Entree(
                "Équipes pluridisciplinaires",
                reverse("parcours:equipes"),
                ("equipes", "equipe", "equipe_creer", "equipe_modifier", "equipe_seance", "equipe_seance_creer"),
            )
        )
        if membre.role in (Role.ADMINISTRATEUR, Role.CHARGE_ORIENTATION):
            menu.append(
                Entree(
                    "Imports",
                    reverse("parcours:imports"),
                    ("imports", "import_televerser", "import", "import_correspondance", "import_confirmer"),
                )
            )
        organisation = membre.organisation.uuid
        libelle = "Membres et invitations" if membre.role == Role.ADMINISTRATEUR else "Mon organisation"
        menu.append(
            Entree(
                libelle,
                reverse("partenaires:membres", args=[organisation]),
                ("membres", "membre_inviter", "membre_desactiver"),
            )
        )
    if membre and membre.role in (Role.PILOTE, Role.SECRETAIRE_COMITE):
        # Les chiffres agrégés du territoire : indicateurs, besoins non couverts, flux des orientations.
        menu.append(
            Entree(
                "Pilotage",
                reverse("gouvernance:indicateurs"),
                ("indicateurs", "besoins_non_couverts", "flux_orientations"),
            )
        )
    if membre and membre.role == Role.PILOTE:
        menu.append(Entree("Point de situation", reverse("parcours:point_de_situation"), ("point_de_situation",)))
        menu.append(Entree("Modération", reverse("offre:moderation"), ("moderation", "service_suspendre")))
    if user.is_superuser or (membre and membre.role == Role.PILOTE):
        menu.append(
            Entree(
                "Organisations du territoire",
                reverse("partenaires:organisations"),
                ("organisations", "organisation_creer", "organisation", "organisation_modifier"),
            )
        )
    elif membre:
        menu.append(Entree("Partenaires", reverse("partenaires:organisations"), ("organisations", "organisation")))
    if user.is_staff:
        menu.append(Entree("Administration technique", reverse("admin:index"), ()))
    return menu


def navigation(request):
    """Processeur de contexte : `navigation` (entrées) et `page_courante` (nom de l'URL)."""
    correspondance = getattr(request, "resolver_match", None)
    return {
        "navigation": entrees(request),
        "page_courante": correspondance.url_name if correspondance else "",
    }


# L'espace personnel d'une personne accompagnée (parcours.espace) : son menu, rien d'autre.
MENU_DE_LA_PERSONNE = [
    ("Mon parcours", "parcours:espace_accueil", ("espace_accueil",)),
    ("Mon plan d'action", "parcours:espace_plan", ("espace_plan",)),
    ("Mes rendez-vous", "parcours:espace_rendez_vous", ("espace_rendez_vous",)),
    ("Mon diagnostic", "parcours:espace_diagnostic", ("espace_diagnostic",)),
    ("Mes souhaits", "parcours:espace_exprimer", ("espace_exprimer",)),
    ("Qui voit mon carnet", "parcours:espace_partages", ("espace_partages", "espace_opposition")),
    ("Qui l'a consulté", "parcours:espace_consultations", ("espace_consultations",)),
    ("Mes documents", "parcours:espace_documents", ("espace_documents",)),
    ("Mon avis", "parcours:espace_evaluations", ("espace_evaluations", "espace_evaluer")),
]


def entrees_de_la_personne() -> list[Entree]:
    return [Entree(libelle, reverse(nom), noms) for libelle, nom, noms in MENU_DE_LA_PERSONNE]
