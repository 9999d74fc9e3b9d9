"""Les règles de délibération, sans accès à la base : quorum, pouvoirs, dépouillement d'un vote.

Sources : décret 2024-560 (comités pour l'emploi) — la délibération est valable si la moitié des membres à voix
délibérative sont présents ou représentés ; décisions à la majorité des suffrages exprimés ; en cas de partage, la
voix du co-président désigné (le représentant de l'État) est prépondérante. Le pourcentage du quorum se règle par
comité (50 % par défaut)."""

import math
from dataclasses import dataclass

from gouvernance.choix import ChoixVote, ResultatDeliberation

POUVOIRS_PAR_MEMBRE = 1  # un membre présent détient au plus un pouvoir


@dataclass(frozen=True)
class Quorum:
    membres: int  # sièges à voix délibérative
    presents: int
    representes: int
    requis: int

    @property
    def comptes(self) -> int:
        return self.presents + self.representes

    @property
    def atteint(self) -> bool:
        return self.membres > 0 and self.comptes >= self.requis

    @property
    def manquants(self) -> int:
        return max(self.requis - self.comptes, 0)


def quorum(*, membres: int, presents: int, representes: int, pourcentage: int) -> Quorum:
    """Le quorum : au moins `pourcentage` % des sièges délibératifs présents ou représentés (arrondi au-dessus)."""
    return Quorum(
        membres=membres, presents=presents, representes=representes, requis=math.ceil(membres * pourcentage / 100)
    )


@dataclass(frozen=True)
class Depouillement:
    pour: int
    contre: int
    abstention: int
    resultat: str
    voix_preponderante_utilisee: bool

    @property
    def exprimes(self) -> int:
        return self.pour + self.contre

    @property
    def adopte(self) -> bool:
        return self.resultat == ResultatDeliberation.ADOPTEE


def depouiller(choix: list[str], *, choix_preponderant: str | None = None) -> Depouillement:
    """Majorité des suffrages exprimés (les abstentions ne comptent pas) ; en cas de partage, la voix du
    co-président désigné l'emporte s'il a voté pour ou contre ; sinon la proposition n'est pas adoptée."""
    pour, contre = choix.count(ChoixVote.POUR), choix.count(ChoixVote.CONTRE)
    abstention = choix.count(ChoixVote.ABSTENTION)
    departage = pour == contre and pour > 0 and choix_preponderant in (ChoixVote.POUR, ChoixVote.CONTRE)
    if pour != contre:
        adopte = pour > contre
    else:
        adopte = departage and choix_preponderant == ChoixVote.POUR
    return Depouillement(
        pour=pour,
        contre=contre,
        abstention=abstention,
        resultat=ResultatDeliberation.ADOPTEE if adopte else ResultatDeliberation.REJETEE,
        voix_preponderante_utilisee=departage,
    )
