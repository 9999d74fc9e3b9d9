"""Les champs attendus par l'import de personnes et la suggestion de correspondance par les en-têtes du fichier."""

from dataclasses import dataclass

from spie.texte import normaliser_recherche


@dataclass(frozen=True)
class Champ:
    code: str
    libelle: str
    obligatoire: bool = False
    aide: str = ""
    synonymes: tuple[str, ...] = ()

    def noms_reconnus(self) -> set[str]:
        return {normaliser_recherche(n) for n in (self.code.replace("_", " "), self.libelle, *self.synonymes)}


CHAMPS = (
    Champ("nom", "Nom", True, "Nom de naissance ou d'usage.", ("nom de famille", "nom d usage", "nom naissance")),
    Champ("prenom", "Prénom", True, "", ("prenoms", "premier prenom")),
    Champ(
        "date_naissance",
        "Date de naissance",
        True,
        "JJ/MM/AAAA (ou AAAA-MM-JJ, ou une date Excel).",
        ("naissance", "date naissance", "ddn", "ne le", "nee le", "ne e le"),
    ),
    Champ(
        "nir",
        "NIR (numéro de sécurité sociale)",
        False,
        "15 caractères, clé comprise ; les espaces sont ignorés.",
        ("numero de securite sociale", "n securite sociale", "num secu", "numero secu", "nss"),
    ),
    Champ(
        "identifiant_departement",
        "Identifiant au Département",
        False,
        "Identifiant de la personne dans le système d'information du Département.",
        ("id departement", "identifiant si", "id si", "numero departement", "identifiant cd"),
    ),
    Champ(
        "numero_caf_msa",
        "Numéro d'allocataire CAF ou MSA",
        False,
        "",
        ("numero caf", "matricule caf", "numero allocataire", "matricule", "numero caf msa", "n allocataire"),
    ),
    Champ(
        "identifiant_france_travail",
        "Identifiant France Travail",
        False,
        "",
        ("id france travail", "identifiant pole emploi", "identifiant ft", "numero france travail"),
    ),
    Champ("email", "Adresse e-mail", False, "", ("courriel", "e mail", "mail", "adresse mail", "adresse courriel")),
    Champ("telephone", "Téléphone", False, "", ("tel", "portable", "mobile", "numero de telephone")),
    Champ("adresse", "Adresse", False, "Numéro et voie.", ("rue", "voie", "adresse postale")),
    Champ("code_postal", "Code postal", False, "5 chiffres, vérifiés dans le référentiel des communes.", ("cp",)),
    Champ("commune", "Commune", False, "", ("ville", "localite")),
    Champ(
        "code_commune",
        "Code INSEE de la commune",
        False,
        "Déduit du code postal et de la commune quand il manque.",
        ("code insee", "insee commune", "code commune insee", "commune insee"),
    ),
    Champ(
        "email_referent",
        "E-mail du référent",
        False,
        "Un membre actif de votre organisation, qui devient le référent de parcours.",
        (
            "courriel referent",
            "courriel du referent",
            "referent",
            "mail referent",
            "e mail du referent",
            "email du referent",
        ),
    ),
    Champ(
        "droit_rsa",
        "Droit au RSA",
        False,
        "ouvert_versable, ouvert_suspendu, ouvert_versement_suspendu, refuse ou clos (ou leur libellé).",
        ("rsa", "etat droit rsa", "droit rsa", "etat du droit rsa"),
    ),
    Champ(
        "inscrit_france_travail",
        "Inscrit à France Travail",
        False,
        "oui ou non.",
        ("inscrit ft", "inscription france travail", "inscrit pole emploi", "demandeur d emploi"),
    ),
)
PAR_CODE = {champ.code: champ for champ in CHAMPS}
OBLIGATOIRES = tuple(champ.code for champ in CHAMPS if champ.obligatoire)


def suggerer(colonnes: list[str]) -> dict[str, str]:
    """Champ → colonne du fichier dont l'en-tête le nomme (sans accents, casse ni ponctuation) ; une colonne ne
    sert qu'à un champ."""
    prises: set[str] = set()
    correspondance = {}
    for champ in CHAMPS:
        noms = champ.noms_reconnus()
        for colonne in colonnes:
            if colonne not in prises and normaliser_recherche(colonne) in noms:
                correspondance[champ.code] = colonne
                prises.add(colonne)
                break
    return correspondance
