"""Correspondance avec le diagnostic de France Travail (« Résoudre ses contraintes personnelles »).

Un domaine qui a un code de contrainte (23 à 29) s'échange sans perte : la valeur de la contrainte vient de
l'appréciation, celle de chaque situation de sa présence, celle des objectifs du plan de leur statut. Les
libellés des situations sont ceux du référentiel du Carnet de bord, repris presque mot pour mot par France
Travail. Voir docs/diagnostic.md.
"""

from parcours.models import EvaluationDomaine, Objectif

OUI, NON, NON_ABORDEE, CLOTUREE = "OUI", "NON", "NON_ABORDEE", "CLOTUREE"

VALEUR_CONTRAINTE = {
    EvaluationDomaine.Appreciation.BESOIN: OUI,
    EvaluationDomaine.Appreciation.POINT_FORT: NON,
    EvaluationDomaine.Appreciation.NON_ABORDE: NON_ABORDEE,
    EvaluationDomaine.Appreciation.CLOTURE: CLOTUREE,
    "": NON_ABORDEE,
}
APPRECIATION = {valeur: appreciation for appreciation, valeur in VALEUR_CONTRAINTE.items() if appreciation}

VALEUR_OBJECTIF = {
    Objectif.Statut.NON_ABORDE: "NON_ABORDE",
    Objectif.Statut.EN_COURS: "EN_COURS",
    Objectif.Statut.REALISE: "REALISE",
}


def contraintes(diagnostic) -> list[dict]:
    """Les contraintes au format de France Travail, pour les domaines qui en ont une."""
    objectifs = list(
        Objectif.objects.filter(carnet_id=diagnostic.carnet_id, referentiel__isnull=False)
        .exclude(statut=Objectif.Statut.ABANDONNE)
        .select_related("referentiel")
    )
    resultat = []
    evaluations = diagnostic.evaluations.select_related("domaine").prefetch_related("situations", "domaine__situations")
    for evaluation in evaluations:
        domaine = evaluation.domaine
        if not domaine.code_france_travail:
            continue
        observees = {s.code for s in evaluation.situations.all()}
        # Les situations du domaine encore proposées, et celles observées même si elles ont été désactivées depuis.
        situations = sorted(
            (s for s in domaine.situations.all() if s.actif or s.code in observees), key=lambda s: s.code
        )
        valeur = VALEUR_CONTRAINTE[evaluation.appreciation]
        resultat.append(
            {
                "code": domaine.code_france_travail,
                "libelle": domaine.libelle,
                "valeur": valeur,
                "situations": [
                    {
                        "code": s.code,
                        "libelle": s.libelle,
                        "valeur": (OUI if s.code in observees else NON) if valeur != NON_ABORDEE else NON_ABORDEE,
                    }
                    for s in situations
                ],
                "objectifs": [
                    {"code": o.referentiel.code, "libelle": o.libelle, "valeur": VALEUR_OBJECTIF[o.statut]}
                    for o in objectifs
                    if o.axe_id == domaine.axe_id
                ],
            }
        )
    return resultat
