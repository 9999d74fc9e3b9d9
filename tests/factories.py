import itertools

import factory

from partenaires import services
from partenaires.choix import Role, TypeOrganisation
from partenaires.models import Utilisateur
from partenaires.validators import somme_luhn

MOT_DE_PASSE = "mot-de-passe-de-test-solide"
_numeros = itertools.count(1)


def siret_valide(numero: int | None = None) -> str:
    base = f"8{(numero or next(_numeros)):012d}"
    return next(base + str(cle) for cle in range(10) if somme_luhn(base + str(cle)) % 10 == 0)


class UtilisateurFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Utilisateur
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"utilisateur{n}@exemple.fr")
    prenom = factory.Faker("first_name", locale="fr_FR")
    nom = factory.Faker("last_name", locale="fr_FR")
    password = factory.django.Password(MOT_DE_PASSE)


class OrganisationFactory(factory.Factory):
    """Passe par le service, pour avoir le groupe et les permissions comme en vrai."""

    class Meta:
        model = dict

    nom = factory.Sequence(lambda n: f"Organisation {n}")
    type = TypeOrganisation.DEPARTEMENT
    siret = factory.LazyFunction(siret_valide)
    adresse = "1 rue de la Paix"
    code_postal = "40000"
    commune = "Mont-de-Marsan"
    departement = "40"

    @classmethod
    def _create(cls, model_class, **champs):
        return services.enregistrer_organisation(acteur=None, **champs)

    @classmethod
    def _build(cls, model_class, **champs):
        return champs


def membre(organisation, role=Role.PROFESSIONNEL, utilisateur=None, **champs_utilisateur):
    utilisateur = utilisateur or UtilisateurFactory(**champs_utilisateur)
    return services.ajouter_membre(utilisateur, organisation, role=role, acteur=None)
