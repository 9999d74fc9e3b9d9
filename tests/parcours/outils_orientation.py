"""Un territoire pour les tests de l'orientation : le Département des Landes (chargé d'orientation, pilote), un
CCAS dont la référente suit le carnet, France Travail, et le Département des Pyrénées-Atlantiques (transferts)."""

from dataclasses import dataclass
from datetime import date

from parcours import services as carnet_services
from parcours.orientation import services
from partenaires.choix import Role, TypeOrganisation
from tests.factories import OrganisationFactory, membre


@dataclass
class Territoire:
    departement: object
    charge: object
    pilote: object
    ccas: object
    referente: object
    collegue_ccas: object
    france_travail: object
    conseiller: object
    pyrenees: object
    charge_pyrenees: object
    carnet: object

    def demander(self, date_reception, motif="entree_rsa", acteur=None):
        return services.demander_orientation(
            self.carnet,
            acteur=acteur or self.referente,
            organisation_orientation=self.departement,
            motif=motif,
            date_reception=date_reception,
        )

    def orienter(self, demande, *, organisme=None, referent=..., devenir="accompagnateur", **champs):
        valeurs = {
            "sens": "orienter",
            "parcours": "emploi",
            "organisme_referent": organisme or self.france_travail,
            "referent": self.conseiller if referent is ... else referent,
            "devenir_ancien_referent": devenir,
            "date_decision": demande.date_reception,
        } | champs
        return services.decider(demande, acteur=self.charge, **valeurs)


def territoire() -> Territoire:
    departement = OrganisationFactory(nom="Département des Landes", departement="40")
    ccas = OrganisationFactory(nom="CCAS de Dax", type=TypeOrganisation.CCAS_COMMUNE_EPCI, departement="40")
    france_travail = OrganisationFactory(
        nom="France Travail Dax", type=TypeOrganisation.FRANCE_TRAVAIL, departement="40"
    )
    pyrenees = OrganisationFactory(nom="Département des Pyrénées-Atlantiques", departement="64")
    referente = membre(ccas, prenom="Rose", nom="Lafitte").utilisateur
    carnet = carnet_services.ouvrir_carnet(
        acteur=referente, organisation=ccas, nom="Lalanne", prenom="Inès", date_naissance=date(1988, 5, 3)
    )
    return Territoire(
        departement=departement,
        charge=membre(departement, Role.CHARGE_ORIENTATION, prenom="Chloé", nom="Dubos").utilisateur,
        pilote=membre(departement, Role.PILOTE).utilisateur,
        ccas=ccas,
        referente=referente,
        collegue_ccas=membre(ccas).utilisateur,
        france_travail=france_travail,
        conseiller=membre(france_travail, prenom="Marc", nom="Labat").utilisateur,
        pyrenees=pyrenees,
        charge_pyrenees=membre(pyrenees, Role.CHARGE_ORIENTATION).utilisateur,
        carnet=carnet,
    )
