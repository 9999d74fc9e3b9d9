from gouvernance.models.consortium import (
    Comite,
    ComitePermissionGroupe,
    Consortium,
    ConsortiumPermissionGroupe,
    CoPresidence,
    Mandat,
    MembreConsortium,
    Siege,
)
from gouvernance.models.etude import EtudeSituation
from gouvernance.models.plan import FicheAction, IndicateurFiche, LigneBudget, SuiviFiche
from gouvernance.models.seance import (
    Decision,
    EnvoiConvocation,
    Point,
    Presence,
    Seance,
    SuiviDecision,
    ValidationOrdreDuJour,
    Vote,
)

__all__ = [
    "EtudeSituation",
    "Comite",
    "ComitePermissionGroupe",
    "CoPresidence",
    "Consortium",
    "ConsortiumPermissionGroupe",
    "Decision",
    "EnvoiConvocation",
    "FicheAction",
    "IndicateurFiche",
    "LigneBudget",
    "Mandat",
    "MembreConsortium",
    "Point",
    "Presence",
    "Seance",
    "Siege",
    "SuiviDecision",
    "SuiviFiche",
    "ValidationOrdreDuJour",
    "Vote",
]
