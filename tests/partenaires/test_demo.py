import pytest
from django.core.management import call_command

from partenaires.choix import Role
from partenaires.management.commands.charger_demo import MOT_DE_PASSE_DEMO
from partenaires.models import Membre, Organisation, Utilisateur
from partenaires.validators import siret_est_valide

pytestmark = pytest.mark.django_db


def test_la_demo_est_idempotente_et_donne_un_compte_par_role():
    call_command("charger_demo", verbosity=0)
    etat = (Organisation.objects.count(), Utilisateur.objects.count(), Membre.objects.count())
    call_command("charger_demo", verbosity=0)
    assert (Organisation.objects.count(), Utilisateur.objects.count(), Membre.objects.count()) == etat

    assert set(Membre.objects.values_list("role", flat=True)) == set(Role.values)
    assert all(siret_est_valide(siret) for siret in Organisation.objects.values_list("siret", flat=True))
    # les Landes, et le Département d'où arrive un transfert (parcours de démonstration)
    assert set(Organisation.objects.values_list("departement", flat=True)) == {"40", "64"}
    for organisation in Organisation.objects.all():
        assert 2 <= organisation.membres.filter(is_active=True).count() <= 3, organisation
        assert organisation.membres.filter(role=Role.ADMINISTRATEUR).exists(), organisation
    referente = Utilisateur.objects.get(email="referente@demo.spie.fr")
    assert referente.check_password(MOT_DE_PASSE_DEMO)
    assert referente.membres.filter(is_active=True).count() == 2  # pour le changement d'organisation
    assert Utilisateur.objects.get(email="admin@demo.spie.fr").is_superuser


def test_la_demo_cree_une_cinquantaine_de_carnets_varies_une_seule_fois():
    from parcours.models import Carnet, Intervenant, Note, RendezVous

    call_command("charger_demo", verbosity=0)
    call_command("charger_demo", verbosity=0)
    demo = {"personne__identifiant_departement__startswith": "DEMO-0"}  # les parcours « DEMO-P… » à part
    assert Carnet.objects.filter(**demo).count() == 50
    referents = Intervenant.objects.filter(
        role="referent", date_fin__isnull=True, carnet__in=Carnet.objects.filter(**demo)
    )
    assert referents.count() == 50
    assert referents.values("organisation").distinct().count() >= 5
    assert Intervenant.objects.filter(role="accompagnateur").exists()  # des groupes de suivi entre organisations
    assert RendezVous.objects.filter(statut="prevu").exists() and RendezVous.objects.exclude(statut="prevu").exists()
    assert Note.objects.filter(carnet__in=Carnet.objects.filter(**demo)).count() == 50
    from parcours.models import Diagnostic

    diagnostics = Diagnostic.objects.valides().filter(carnet__in=Carnet.objects.filter(**demo))
    assert diagnostics.values("carnet").distinct().count() == 34  # deux carnets sur trois
    assert Diagnostic.objects.filter(version=2).exists()
    assert set(Diagnostic.objects.values_list("parcours_retenu", flat=True)) >= {"emploi", "socio_professionnel"}
