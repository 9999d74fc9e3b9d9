"""Les objets dont les formulaires et les vues ont besoin, fabriqués à la demande (chaque test ne paie que ce qu'il
lit) par les services, comme en vrai."""

from datetime import date
from functools import cached_property
from types import SimpleNamespace

from django.db.models import F

from parcours import services as parcours_services
from parcours.diagnostic import services as diagnostic_services
from parcours.models import DemandeOrientation, Theme
from partenaires.choix import Role
from tests.factories import OrganisationFactory, membre


class Decor:
    @cached_property
    def departement(self):
        return OrganisationFactory(nom="Département des Landes", departement="40")

    @cached_property
    def mission_locale(self):
        return OrganisationFactory(nom="Mission locale des Landes", type="mission_locale", departement="40")

    @cached_property
    def referente(self):
        return membre(self.departement, Role.CHARGE_ORIENTATION, prenom="Claire", nom="Duprat").utilisateur

    @cached_property
    def conseiller(self):
        return membre(self.mission_locale, prenom="Hugo", nom="Larrieu").utilisateur

    @cached_property
    def pilote(self):
        return membre(self.departement, Role.PILOTE).utilisateur

    @cached_property
    def carnet(self):
        carnet = parcours_services.ouvrir_carnet(
            acteur=self.referente,
            organisation=self.departement,
            nom="Lalanne",
            prenom="Inès",
            date_naissance=date(1988, 5, 3),
        )
        parcours_services.ajouter_intervenant(
            carnet, acteur=self.referente, utilisateur=self.conseiller, organisation=self.mission_locale
        )
        return carnet

    @cached_property
    def intervenants(self):
        return list(self.carnet.intervenants.actifs().select_related("utilisateur", "organisation"))

    @cached_property
    def objectif(self):
        axe = Theme.objects.filter(code=F("axe")).order_by("code").first()
        return parcours_services.ajouter_objectif(
            self.carnet, acteur=self.referente, axe=axe.code, libelle_libre="Retrouver un emploi"
        )

    @cached_property
    def diagnostic(self):
        return diagnostic_services.commencer(self.carnet, acteur=self.referente)

    @cached_property
    def comite(self):
        from tests.gouvernance.fabriques import equipe_comite

        return equipe_comite()

    @cached_property
    def seance(self):
        from tests.gouvernance.fabriques import seance

        return seance(self.comite.comite, cree_par=self.comite.secretaire)

    @cached_property
    def point(self):
        from gouvernance.choix import TypePoint
        from tests.gouvernance.fabriques import point

        return point(self.seance, type=TypePoint.DELIBERATION)

    @cached_property
    def service(self):
        from tests.offre import fabriques

        return fabriques.service(fabriques.structure(organisation=self.departement))

    def demande(self, motif=DemandeOrientation.Motif.REORIENTATION):
        return SimpleNamespace(motif=motif)
