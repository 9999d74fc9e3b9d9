"""Les changements de situation qui appellent un réexamen du parcours (sans jamais l'interrompre).

Un changement de statut ne ferme rien : le carnet, son groupe de suivi et son plan d'action continuent. Certains
changements demandent seulement au référent de revoir l'orientation ou le contrat : ils sont décrits ici, en un
seul endroit, par une phrase courte (jamais une donnée sensible : la RQTH n'y figure pas).
"""

from datetime import date

from parcours.models import Statut

AGE_FIN_PUBLIC_JEUNE = 26
# Les 26 ans se détectent la nuit ; une nuit manquée se rattrape dans cette fenêtre (un seul avis par personne).
FENETRE_26_ANS_JOURS = 31
CODE_26_ANS = "26_ans"

RSA_OUVERT = {"ouvert_versable", "ouvert_suspendu", "ouvert_versement_suspendu"}


def motif_reexamen(type_statut: str, avant: str, apres: str) -> tuple[str, str] | None:
    """(code, phrase) quand passer de `avant` (chaîne vide : aucune valeur) à `apres` appelle un réexamen."""
    if type_statut == Statut.Type.DROIT_RSA:
        if apres in RSA_OUVERT and avant not in RSA_OUVERT:
            return "entree_rsa", "Entrée dans le RSA : l'orientation est due dans les 6 semaines, puis le contrat."
        if avant in RSA_OUVERT and apres not in RSA_OUVERT:
            return "sortie_rsa", "Sortie du RSA : revoir l'accompagnement et l'organisme référent."
    elif type_statut == Statut.Type.INSCRIT_FRANCE_TRAVAIL:
        if apres == "oui" and avant != "oui":
            return "inscription_france_travail", "Inscription à France Travail : revoir le parcours et le contrat."
    elif type_statut == Statut.Type.DROITS_ET_DEVOIRS:
        if apres == "oui" and avant != "oui":
            return "entree_droits_et_devoirs", "Soumis aux droits et devoirs : orientation et contrat d'engagement dus."
        if avant == "oui" and apres != "oui":
            return "fin_droits_et_devoirs", "Fin des droits et devoirs : revoir l'accompagnement."
    return None


def anniversaire(naissance: date, age: int) -> date:
    """Le jour des `age` ans (un 29 février se fête le 1er mars les années non bissextiles)."""
    try:
        return naissance.replace(year=naissance.year + age)
    except ValueError:
        return date(naissance.year + age, 3, 1)


def phrase_26_ans(personne_jour_26_ans: date, *, mission_locale: bool) -> str:
    phrase = f"26 ans le {personne_jour_26_ans:%d/%m/%Y} : la personne quitte le public jeune"
    if mission_locale:
        return phrase + " (Mission locale) ; revoir l'organisme référent et le contrat."
    return phrase + " ; revoir l'accompagnement et le contrat."
