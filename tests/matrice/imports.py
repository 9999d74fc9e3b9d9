"""Matrice des URL de l'import de personnes : réservé aux administrateurs et chargés d'orientation, pour leur
organisation courante (403 sinon) ; un import n'est visible que d'eux dans son organisation (404 sinon)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.matrice.acteurs import POST_SANS_GET, apres_succes, connectes

CSV = "Nom;Prénom;Date de naissance\nLalanne;Inès;03/05/1988\n".encode()


# L'administrateur de l'organisation visée, celui de l'autre organisation et le chargé d'orientation du Département
# importent, chacun pour son organisation courante ; les autres rôles ne le peuvent pas (superutilisateur compris).
# Le secrétaire et le co-président de comité n'y sont ni administrateurs ni chargés d'orientation : 403.
LISTE = connectes(
    403,
    administrateur=200,
    membre_autre_organisation=200,
    charge_orientation=200,
    secretaire_comite=403,
    copresident=403,
)
# Un import de l'organisation visée : ses seuls administrateurs et chargés d'orientation le voient.
IMPORT_VISE = connectes(404, administrateur=200)


def _matrice():
    liste, import_vise = LISTE, IMPORT_VISE
    return {
        "parcours:imports": (lambda c: [], {"GET": (liste, None)}),
        "parcours:import_televerser": (
            lambda c: [],
            {
                "GET": (liste, None),
                "POST": (apres_succes(liste), lambda c: {"fichier": SimpleUploadedFile("liste.csv", CSV)}),
            },
        ),
        "parcours:import_modele": (lambda c: [], {"GET": (connectes(200), None)}),
        "parcours:import": (lambda c: [c["import_personnes"].uuid], {"GET": (import_vise, None)}),
        "parcours:import_correspondance": (
            lambda c: [c["import_personnes"].uuid],
            {
                "GET": (import_vise, None),
                "POST": (
                    apres_succes(import_vise),
                    lambda c: {"nom": "Nom", "prenom": "Prénom", "date_naissance": "Date de naissance"},
                ),
            },
        ),
        "parcours:import_confirmer": (
            lambda c: [c["import_personnes"].uuid],
            {"GET": (POST_SANS_GET, None), "POST": (apres_succes(import_vise), lambda c: {})},
        ),
        "parcours:import_abandonner": (
            lambda c: [c["import_personnes"].uuid],
            {"GET": (POST_SANS_GET, None), "POST": (apres_succes(import_vise), lambda c: {})},
        ),
        "parcours:import_rapport": (lambda c: [c["import_termine"].uuid], {"GET": (import_vise, None)}),
    }


MATRICE = _matrice()
GET_QUI_ECRIVENT = set()


def fabriques(contexte):
    from parcours.imports import services

    def analyse():
        """Un import de l'organisation visée, téléversé par son administrateur et analysé (sans erreur)."""
        import_personnes = services.televerser(
            acteur=contexte["acteurs"]["administrateur"],
            organisation=contexte["organisation"],
            fichier=SimpleUploadedFile("liste.csv", CSV),
        )
        services.lancer_analyse(
            import_personnes,
            acteur=contexte["acteurs"]["administrateur"],
            correspondance=import_personnes.correspondance,
        )
        services.analyser(import_personnes.pk)
        import_personnes.refresh_from_db()
        return import_personnes

    def analyse_seule():
        return {"import_personnes": analyse()}

    def termine():
        import_personnes = analyse()
        services.confirmer(import_personnes, acteur=contexte["acteurs"]["administrateur"])
        services.executer(import_personnes.pk)
        import_personnes.refresh_from_db()
        return {"import_termine": import_personnes}

    return {"import_personnes": analyse_seule, "import_termine": termine}


def etat():
    from parcours.models import ImportPersonnes, ModeleCorrespondance

    return (
        list(ImportPersonnes.objects.order_by("pk").values_list("pk", "statut", "correspondance", "fichier")),
        ModeleCorrespondance.objects.count(),
    )
