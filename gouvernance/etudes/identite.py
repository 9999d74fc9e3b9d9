"""Ce qui identifie la personne dans le texte d'une étude de situation.

Le comité ne connaît la personne que par ses initiales et un numéro : la situation et la question ne citent ni son
nom ni son prénom, ni les autres données de son carnet qui la désignent (NIR, numéros d'allocataire, France Travail
et du Département, adresse e-mail, téléphone, date de naissance, adresse). La comparaison se fait sur la forme
cherchable du texte (`spie.texte.normaliser_recherche` : sans accents, casse ni ponctuation) :

- nom et prénom : le mot entier, et chaque partie d'au moins trois lettres d'un nom composé ;
- identifiants, e-mail, adresse : la valeur, quels que soient les espaces et la ponctuation entre ses caractères
  (« 1 88 05 40 192 005 33 », « alexandra.d@exemple.fr », « 12, rue des Lilas »), jamais à l'intérieur d'un mot ou
  d'un nombre plus long ; une valeur de moins de quatre caractères ne se cherche pas (trop de faux positifs) ;
  l'adresse se cherche aussi sans son numéro (« rue des Lilas ») ;
- téléphone : ses neuf derniers chiffres, précédés ou non de « 0 » ou de « +33 » ;
- date de naissance : jour, mois, année (« 17/05/1988 », « 17.5.1988 », « 17 mai 1988 ») ou année, mois, jour
  (« 1988-05-17 »).
"""

import re

from spie.texte import normaliser_recherche

LONGUEUR_MINIMALE = 4
MOIS = (
    "janvier",
    "fevrier",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "aout",
    "septembre",
    "octobre",
    "novembre",
    "decembre",
)
NOM_ET_PRENOM = "le nom et le prénom"
IDENTIFIANTS = (
    ("nir", "le numéro de sécurité sociale (NIR)"),
    ("numero_caf_msa", "le numéro d'allocataire CAF ou MSA"),
    ("identifiant_france_travail", "l'identifiant France Travail"),
    ("identifiant_departement", "l'identifiant au Département"),
    ("email", "l'adresse e-mail"),
)
TELEPHONE = "le numéro de téléphone"
DATE_DE_NAISSANCE = "la date de naissance"
ADRESSE = "l'adresse"


def message(donnees: list[str]) -> str:
    """« Retirez le nom et le prénom et la date de naissance de la personne : … »."""
    if len(donnees) > 1:
        enumeration = f"{', '.join(donnees[:-1])} et {donnees[-1]}"
    else:
        enumeration = donnees[0]
    return f"Retirez {enumeration} de la personne : le comité ne la connaît que par ses initiales et un numéro."


def _mots_a_taire(personne) -> set[str]:
    """Le nom et le prénom en entier, et chacune de leurs parties d'au moins trois lettres (« Jean-Pierre » :
    « jean pierre », « jean », « pierre ») ; les particules courtes (« Le », « Da ») ne comptent qu'en entier."""
    mots = set()
    for texte in (personne.prenom, personne.nom):
        entier = normaliser_recherche(texte)
        if entier:
            mots.add(entier)
            mots.update(partie for partie in entier.split() if len(partie) >= 3)
    return mots


def contient_le_nom(texte: str, personne) -> bool:
    """Le texte cite-t-il le nom ou le prénom de la personne (sans tenir compte des accents ni de la casse) ?"""
    normalise = f" {normaliser_recherche(texte)} "
    return any(f" {mot} " in normalise for mot in _mots_a_taire(personne))


def _suite(caracteres: str) -> str:
    """Les caractères dans l'ordre, un espace permis entre deux (la ponctuation est déjà devenue espace)."""
    return r"\s?".join(re.escape(caractere) for caractere in caracteres)


def _borne(motif: str) -> re.Pattern:
    return re.compile(rf"(?<!\w)(?:{motif})(?!\w)")


def _valeur(valeur: str) -> re.Pattern | None:
    compacte = normaliser_recherche(valeur or "").replace(" ", "")
    return _borne(_suite(compacte)) if len(compacte) >= LONGUEUR_MINIMALE else None


def _telephone(telephone: str) -> re.Pattern | None:
    chiffres = "".join(c for c in telephone or "" if c.isdigit())
    if len(chiffres) < 9:
        return _borne(_suite(chiffres)) if len(chiffres) >= LONGUEUR_MINIMALE else None
    return _borne(rf"(?:0\s?|33\s?(?:0\s?)?)?{_suite(chiffres[-9:])}")


def _date_de_naissance(jour) -> re.Pattern | None:
    """Jour, mois (le zéro devant facultatif), année, ou année, mois, jour ; ou « 17 mai 1988 », « 1er mai »."""
    if jour is None:
        return None
    j, m, a = f"0?{jour.day}", f"0?{jour.month}", str(jour.year)
    en_lettres = rf"(?:{j}|1er)" if jour.day == 1 else j
    formes = (rf"{j}\s?{m}\s?{a}", rf"{a}\s?{m}\s?{j}", rf"{en_lettres}\s{MOIS[jour.month - 1]}\s{a}")
    return _borne("|".join(formes))


def _adresse(adresse: str) -> list[re.Pattern]:
    """L'adresse entière, et la voie sans son numéro (« 12 bis rue des Lilas » : « rue des lilas »)."""
    mots = normaliser_recherche(adresse or "").split()
    voie = list(mots)
    while voie and (voie[0][:1].isdigit() or voie[0] in ("bis", "ter", "b")):
        voie.pop(0)
    valeurs = {" ".join(mots), " ".join(voie)} if len(voie) >= 2 else {" ".join(mots)}
    return [motif for motif in map(_valeur, valeurs) if motif is not None]


def _motifs(personne) -> list[tuple[str, list[re.Pattern]]]:
    motifs = [(libelle, [_valeur(getattr(personne, champ))]) for champ, libelle in IDENTIFIANTS]
    motifs += [
        (TELEPHONE, [_telephone(personne.telephone)]),
        (DATE_DE_NAISSANCE, [_date_de_naissance(personne.date_naissance)]),
        (ADRESSE, _adresse(personne.adresse)),
    ]
    return [(libelle, [motif for motif in liste if motif is not None]) for libelle, liste in motifs]


def donnees_identifiantes(texte: str, personne) -> list[str]:
    """Ce que le texte contient de la personne, dans l'ordre des messages (« le nom et le prénom », « la date de
    naissance »…) ; une liste vide si rien."""
    normalise = normaliser_recherche(texte or "")
    trouvees = [NOM_ET_PRENOM] if contient_le_nom(texte or "", personne) else []
    for libelle, motifs in _motifs(personne):
        if any(motif.search(normalise) for motif in motifs):
            trouvees.append(libelle)
    return trouvees
