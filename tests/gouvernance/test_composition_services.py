"""Les règles de la composition, dans les services : consortium, comités, sièges, mandats, co-présidences, et les
partages qui suivent la composition. Chaque refus est un message clair, et rien n'est écrit à moitié."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from gouvernance import permissions
from gouvernance.choix import Qualite, RoleConsortium, StatutPresence, StatutSeance, Theme, TypeComite, Voix
from gouvernance.composition import services
from gouvernance.models import (
    Comite,
    Consortium,
    CoPresidence,
    Mandat,
    MembreConsortium,
    Presence,
    Siege,
    ValidationOrdreDuJour,
)
from partenaires.choix import Role
from partenaires.models import Organisation
from tests.factories import OrganisationFactory, membre
from tests.gouvernance import fabriques


@pytest.fixture
def equipe(db):
    return fabriques.equipe_comite()


def _messages(erreur: ValidationError) -> str:
    return " ".join(erreur.messages)


def _desactiver(organisation):
    Organisation.objects.filter(pk=organisation.pk).update(is_active=False)
    organisation.refresh_from_db()


# --- Mandats ------------------------------------------------------------------------------------


def test_deux_titulaires_qui_se_chevauchent_sur_un_siege_sont_refuses(equipe):
    siege = equipe.sieges.caf
    avant = list(Mandat.objects.values_list("pk", "date_fin"))
    with pytest.raises(ValidationError) as erreur:
        fabriques.mandat(siege, prenom="Paul", nom="Nouveau", date_debut=timezone.localdate())
    assert "Ce siège a déjà un titulaire sur cette période : Claire Directrice, du" in _messages(erreur.value)
    assert list(Mandat.objects.values_list("pk", "date_fin")) == avant


def test_un_suppleant_ne_chevauche_pas_le_titulaire(equipe):
    suppleant = fabriques.mandat(equipe.sieges.caf, prenom="Paul", nom="Adjoint", qualite=Qualite.SUPPLEANT)
    assert suppleant.pk


def test_un_titulaire_succede_au_precedent_des_le_lendemain_de_sa_fin(equipe):
    ancien = equipe.mandats.caf
    services.terminer_mandat(ancien, acteur=equipe.pilote, date_fin=timezone.localdate())
    successeur = fabriques.mandat(
        equipe.sieges.caf, prenom="Paul", nom="Successeur", date_debut=timezone.localdate() + timedelta(days=1)
    )
    assert successeur.date_debut == ancien.date_fin + timedelta(days=1)
    with pytest.raises(ValidationError, match="déjà un titulaire"):
        fabriques.mandat(equipe.sieges.caf, prenom="Zoé", nom="Trop tôt", date_debut=timezone.localdate())


def test_modifier_un_mandat_ne_le_compare_pas_a_lui_meme(equipe):
    mandat = equipe.mandats.caf
    mandat.fonction = "Directrice générale"
    services.enregistrer_mandat(mandat, acteur=equipe.pilote)
    assert Mandat.objects.get(pk=mandat.pk).fonction == "Directrice générale"


def test_un_mandat_qui_finit_avant_de_commencer_est_refuse(equipe):
    siege = fabriques.siege(equipe.comite, OrganisationFactory(nom="Région"), ordre=7)
    with pytest.raises(ValidationError) as erreur:
        fabriques.mandat(siege, date_debut=date(2026, 5, 1), date_fin=date(2026, 4, 30))
    assert erreur.value.message_dict == {"date_fin": ["La fin du mandat suit son début."]}
    assert not siege.mandats.exists()


def test_sans_date_de_fin_le_mandat_dure_la_duree_du_comite(equipe):
    siege = fabriques.siege(equipe.comite, OrganisationFactory(nom="Région"), ordre=7)
    mandat = fabriques.mandat(siege, date_debut=date(2026, 3, 1))
    assert mandat.date_fin == date(2029, 2, 28)  # trois ans, la veille de l'anniversaire


def test_la_duree_des_mandats_se_regle_par_comite(equipe):
    comite = fabriques.comite(
        equipe.consortium, nom="Comité opérationnel", type=TypeComite.OPERATIONNEL, duree_mandat_annees=2
    )
    siege = fabriques.siege(comite, equipe.caf)
    assert fabriques.mandat(siege, date_debut=date(2024, 2, 29)).date_fin == date(2026, 2, 28)
    assert fabriques.mandat(siege, date_debut=date(2024, 2, 29), qualite=Qualite.SUPPLEANT).date_fin == date(
        2026, 2, 28
    )


def test_le_compte_d_un_mandat_est_un_membre_actif_de_l_organisation_du_siege(equipe):
    with pytest.raises(ValidationError) as erreur:
        fabriques.mandat(
            equipe.sieges.commune, prenom="Pierre", nom="Préfet", qualite=Qualite.SUPPLEANT, utilisateur=equipe.prefet
        )
    assert erreur.value.message_dict == {"utilisateur": ["Ce compte n'est pas membre actif de « Ville de Dax »."]}


def test_terminer_un_mandat_avant_son_terme(equipe):
    mandat = equipe.mandats.caf
    services.terminer_mandat(mandat, acteur=equipe.pilote, date_fin=timezone.localdate())
    assert Mandat.objects.get(pk=mandat.pk).date_fin == timezone.localdate()
    assert not Mandat.objects.en_cours(timezone.localdate() + timedelta(days=1)).filter(pk=mandat.pk).exists()


@pytest.mark.parametrize(
    ("decalage", "message"),
    [(-31, "La fin du mandat suit son début."), (365 * 4, "Pour prolonger un mandat, modifiez-le.")],
)
def test_terminer_un_mandat_avant_son_debut_ou_apres_sa_fin_est_refuse(equipe, decalage, message):
    mandat = equipe.mandats.caf
    fin = mandat.date_fin
    with pytest.raises(ValidationError) as erreur:
        services.terminer_mandat(mandat, acteur=equipe.pilote, date_fin=timezone.localdate() + timedelta(days=decalage))
    assert erreur.value.message_dict == {"date_fin": [message]}
    assert Mandat.objects.get(pk=mandat.pk).date_fin == fin


# --- Co-présidences -----------------------------------------------------------------------------


def test_un_comite_a_au_plus_deux_co_presidents(equipe):
    troisieme = membre(equipe.caf, Role.PROFESSIONNEL).utilisateur
    with pytest.raises(ValidationError, match="Un comité a au plus deux co-présidents."):
        services.ajouter_copresidence(
            equipe.comite, acteur=equipe.pilote, siege=equipe.sieges.caf, utilisateur=troisieme
        )
    assert equipe.comite.copresidences.count() == 2


def test_un_seul_co_president_a_la_voix_preponderante(equipe):
    services.retirer_copresidence(equipe.copresidences.departement, acteur=equipe.pilote)
    with pytest.raises(ValidationError) as erreur:
        services.ajouter_copresidence(
            equipe.comite,
            acteur=equipe.pilote,
            siege=equipe.sieges.departement,
            utilisateur=equipe.president,
            voix_preponderante=True,
        )
    assert erreur.value.message_dict == {"voix_preponderante": ["Un autre co-président a déjà la voix prépondérante."]}
    assert equipe.comite.copresidences.count() == 1


def test_un_co_president_siege_a_voix_deliberative(equipe):
    services.retirer_copresidence(equipe.copresidences.departement, acteur=equipe.pilote)
    conseillere = membre(equipe.france_travail, Role.PROFESSIONNEL).utilisateur
    with pytest.raises(ValidationError) as erreur:
        services.ajouter_copresidence(
            equipe.comite, acteur=equipe.pilote, siege=equipe.sieges.france_travail, utilisateur=conseillere
        )
    assert erreur.value.message_dict == {"siege": ["Un co-président siège avec voix délibérative."]}


def test_un_co_president_est_membre_actif_de_l_organisation_du_siege(equipe):
    services.retirer_copresidence(equipe.copresidences.departement, acteur=equipe.pilote)
    with pytest.raises(ValidationError) as erreur:
        services.ajouter_copresidence(
            equipe.comite, acteur=equipe.pilote, siege=equipe.sieges.caf, utilisateur=equipe.president
        )
    assert erreur.value.message_dict == {"utilisateur": ["Ce compte n'est pas membre actif de « CAF des Landes »."]}


def test_un_co_president_remplace_laisse_ses_validations_dans_l_histoire(equipe):
    """Un nouveau préfet : l'ancien co-président est retiré ; ses validations passées restent, à son nom, sans
    compter pour les ordres du jour à venir."""
    seance = fabriques.seance(equipe.comite, cree_par=equipe.secretaire, statut=StatutSeance.CONVOQUEE)
    validation = ValidationOrdreDuJour.objects.create(
        seance=seance, copresidence=equipe.copresidences.departement, utilisateur=equipe.president
    )
    services.retirer_copresidence(equipe.copresidences.departement, acteur=equipe.pilote)
    assert not CoPresidence.objects.filter(pk=equipe.copresidences.departement.pk).exists()
    validation.refresh_from_db()
    assert validation.copresidence is None and validation.utilisateur == equipe.president


def test_un_siege_de_co_president_garde_sa_voix_deliberative(equipe):
    siege = equipe.sieges.departement
    siege.voix = Voix.CONSULTATIVE
    with pytest.raises(ValidationError) as erreur:
        services.enregistrer_siege(siege, acteur=equipe.pilote)
    assert erreur.value.message_dict == {"voix": ["Ce siège porte une co-présidence : il garde sa voix délibérative."]}
    assert Siege.objects.get(pk=siege.pk).voix == Voix.DELIBERATIVE


# --- Comités ------------------------------------------------------------------------------------


def test_un_comite_technique_a_un_theme(equipe):
    with pytest.raises(ValidationError) as erreur:
        fabriques.comite(equipe.consortium, nom="Comité technique", type=TypeComite.TECHNIQUE)
    assert erreur.value.message_dict == {"theme": ["Un comité technique a un thème."]}
    comite = fabriques.comite(equipe.consortium, nom="Comité mobilité", type=TypeComite.TECHNIQUE, theme=Theme.MOBILITE)
    assert comite.get_theme_display() == "Mobilité"


def test_seul_un_comite_technique_a_un_theme(equipe):
    with pytest.raises(ValidationError) as erreur:
        fabriques.comite(equipe.consortium, nom="Comité local", type=TypeComite.LOCAL, theme=Theme.SANTE)
    assert erreur.value.message_dict == {"theme": ["Seul un comité technique a un thème : laissez ce champ vide."]}
    assert not Comite.objects.filter(nom="Comité local").exists()


@pytest.mark.parametrize("pourcentage", [0, 101])
def test_le_quorum_est_compris_entre_1_et_100(equipe, pourcentage):
    comite = equipe.comite
    comite.quorum_pourcentage = pourcentage
    with pytest.raises(ValidationError) as erreur:
        services.enregistrer_comite(comite, acteur=equipe.pilote)
    assert "Le quorum est compris entre 1 et 100 pour cent." in erreur.value.message_dict["quorum_pourcentage"]
    assert Comite.objects.get(pk=comite.pk).quorum_pourcentage == 50


@pytest.mark.parametrize("pourcentage", [1, 100])
def test_le_quorum_accepte_ses_bornes(equipe, pourcentage):
    equipe.comite.quorum_pourcentage = pourcentage
    services.enregistrer_comite(equipe.comite, acteur=equipe.pilote)
    assert Comite.objects.get(pk=equipe.comite.pk).quorum_pourcentage == pourcentage


def test_le_secretaire_a_le_role_secretaire_de_comite_dans_une_organisation_membre(equipe):
    comite = equipe.comite
    comite.secretaire = equipe.professionnel_caf
    with pytest.raises(ValidationError) as erreur:
        services.enregistrer_comite(comite, acteur=equipe.pilote)
    assert "secretaire" in erreur.value.message_dict
    hors_consortium = OrganisationFactory(nom="Association hors consortium")
    comite.secretaire = membre(hors_consortium, Role.SECRETAIRE_COMITE).utilisateur
    with pytest.raises(ValidationError, match="organisation membre du consortium"):
        services.enregistrer_comite(comite, acteur=equipe.pilote)
    assert Comite.objects.get(pk=comite.pk).secretaire == equipe.secretaire


def test_changer_de_secretaire_retire_la_main_a_l_ancien(equipe):
    # Le nouveau secrétaire vient de la CAF (membre du consortium) ; l'ancien est au Département, qui siège.
    nouveau = membre(equipe.caf, Role.SECRETAIRE_COMITE).utilisateur
    comite = equipe.comite
    comite.secretaire = nouveau
    services.enregistrer_comite(comite, acteur=equipe.pilote)
    assert permissions.can_edit_seances(nouveau, comite)
    assert not permissions.can_edit_seances(equipe.secretaire, comite)


def test_l_ancien_secretaire_sans_siege_ne_voit_plus_le_comite(equipe):
    association = OrganisationFactory(nom="Association Trait d'union")
    services.ajouter_membre(equipe.consortium, acteur=equipe.pilote, organisation=association)
    ancien = membre(association, Role.SECRETAIRE_COMITE).utilisateur
    comite = fabriques.comite(equipe.consortium, nom="Comité local de Dax", type=TypeComite.LOCAL, secretaire=ancien)
    assert permissions.visible_comites(ancien).filter(pk=comite.pk).exists()
    comite.secretaire = equipe.secretaire
    services.enregistrer_comite(comite, acteur=equipe.pilote)
    assert not permissions.visible_comites(ancien).filter(pk=comite.pk).exists()


# --- Sièges et partages -------------------------------------------------------------------------


def test_une_organisation_avec_un_siege_voit_le_comite_et_plus_apres_son_retrait(equipe):
    region = OrganisationFactory(nom="Région Nouvelle-Aquitaine")
    agent = membre(region, Role.PROFESSIONNEL).utilisateur
    assert not permissions.visible_comites(agent).exists()
    siege = fabriques.siege(equipe.comite, region, ordre=7)
    assert list(permissions.visible_comites(agent)) == [equipe.comite]
    services.retirer_siege(siege, acteur=equipe.pilote)
    assert not permissions.visible_comites(agent).exists()


def test_une_organisation_avec_deux_sieges_garde_le_comite_quand_l_un_est_retire(equipe):
    second = fabriques.siege(equipe.comite, equipe.caf, libelle="Action sociale", ordre=7)
    services.retirer_siege(second, acteur=equipe.pilote)
    assert permissions.visible_comites(equipe.professionnel_caf).filter(pk=equipe.comite.pk).exists()


def test_changer_l_organisation_d_un_siege_deplace_le_partage(equipe):
    region = OrganisationFactory(nom="Région Nouvelle-Aquitaine")
    agent = membre(region, Role.PROFESSIONNEL).utilisateur
    siege = fabriques.siege(equipe.comite, equipe.caf, libelle="Siège à réattribuer", ordre=7)
    services.retirer_siege(equipe.sieges.caf, acteur=equipe.pilote)
    siege.organisation = region
    services.enregistrer_siege(siege, acteur=equipe.pilote)
    assert permissions.visible_comites(agent).filter(pk=equipe.comite.pk).exists()
    assert not permissions.visible_comites(equipe.professionnel_caf).filter(pk=equipe.comite.pk).exists()


def test_un_siege_qui_a_des_mandats_garde_son_organisation(equipe):
    siege = equipe.sieges.caf
    siege.organisation = equipe.commune
    siege.libelle = "Autre"
    with pytest.raises(ValidationError, match="retirez-le et créez-en un autre"):
        services.enregistrer_siege(siege, acteur=equipe.pilote)
    assert Siege.objects.get(pk=siege.pk).organisation == equipe.caf


def test_retirer_un_siege_qui_a_siege_est_refuse(equipe):
    seance = fabriques.seance(equipe.comite, cree_par=equipe.secretaire, statut=StatutSeance.CONVOQUEE)
    Presence.objects.create(seance=seance, siege=equipe.sieges.commune, statut=StatutPresence.EXCUSE)
    with pytest.raises(ValidationError, match="Ce siège a déjà siégé : il reste dans l'histoire des séances."):
        services.retirer_siege(equipe.sieges.commune, acteur=equipe.pilote)
    assert Siege.objects.filter(pk=equipe.sieges.commune.pk).exists()
    assert equipe.sieges.commune.mandats.exists()


def test_retirer_un_siege_de_co_president_est_refuse(equipe):
    with pytest.raises(ValidationError, match="retirez-la d'abord"):
        services.retirer_siege(equipe.sieges.etat, acteur=equipe.pilote)


def test_une_organisation_desactivee_ne_siege_pas(equipe):
    region = OrganisationFactory(nom="Région Nouvelle-Aquitaine")
    _desactiver(region)
    with pytest.raises(ValidationError) as erreur:
        fabriques.siege(equipe.comite, region)
    assert erreur.value.message_dict == {"organisation": ["Cette organisation est désactivée : elle ne siège pas."]}
    assert not Siege.objects.filter(organisation=region).exists()


def test_le_siege_d_une_organisation_desactivee_ne_recoit_plus_de_mandat(equipe):
    _desactiver(equipe.commune)
    with pytest.raises(ValidationError, match="« Ville de Dax » est désactivée"):
        fabriques.mandat(equipe.sieges.commune, prenom="Luc", nom="Adjoint", qualite=Qualite.SUPPLEANT)


def test_les_membres_d_une_organisation_desactivee_ne_voient_plus_le_comite(equipe):
    assert permissions.visible_comites(equipe.professionnel_caf).exists()
    _desactiver(equipe.caf)
    assert not permissions.visible_comites(equipe.professionnel_caf).exists()


# --- Consortium ---------------------------------------------------------------------------------


def test_creer_le_consortium_d_un_departement(db):
    departement = OrganisationFactory(nom="Département des Pyrénées-Atlantiques", departement="64")
    pilote = membre(departement, Role.PILOTE).utilisateur
    consortium = services.creer_consortium(
        acteur=pilote, departement="64", nom="Consortium 64", organisation_pilote=departement
    )
    assert consortium.membres.get().role == RoleConsortium.PILOTE
    assert consortium.cree_par == pilote
    assert list(permissions.visible_consortiums(membre(departement).utilisateur)) == [consortium]


def test_un_departement_n_a_qu_un_consortium(equipe):
    with pytest.raises(ValidationError) as erreur:
        fabriques.consortium(equipe.caf)
    assert erreur.value.message_dict == {"departement": ["Ce département a déjà son consortium."]}
    assert Consortium.objects.count() == 1


def test_l_organisation_pilote_releve_du_departement_et_rien_n_est_ecrit_sinon(db):
    voisine = OrganisationFactory(nom="Département du Gers", departement="32")
    with pytest.raises(ValidationError) as erreur:
        services.creer_consortium(acteur=None, departement="64", nom="Consortium 64", organisation_pilote=voisine)
    assert erreur.value.message_dict == {"organisation_pilote": ["L'organisation pilote relève de ce département."]}
    desactivee = OrganisationFactory(nom="Département désactivé", departement="64")
    _desactiver(desactivee)
    with pytest.raises(ValidationError):
        services.creer_consortium(acteur=None, departement="64", nom="Consortium 64", organisation_pilote=desactivee)
    assert not Consortium.objects.exists()
    assert not MembreConsortium.objects.exists()


def test_etre_membre_du_consortium_donne_de_le_voir(equipe):
    association = OrganisationFactory(nom="Association Trait d'union")
    salariee = membre(association, Role.PROFESSIONNEL).utilisateur
    assert not permissions.visible_consortiums(salariee).exists()
    adhesion = services.ajouter_membre(equipe.consortium, acteur=equipe.pilote, organisation=association)
    assert list(permissions.visible_consortiums(salariee)) == [equipe.consortium]
    services.retirer_membre(adhesion, acteur=equipe.pilote)
    assert not permissions.visible_consortiums(salariee).exists()


def test_une_organisation_n_est_membre_qu_une_fois(equipe):
    with pytest.raises(ValidationError, match="déjà membre du consortium"):
        services.ajouter_membre(equipe.consortium, acteur=equipe.pilote, organisation=equipe.caf)


def test_le_consortium_garde_une_organisation_pilote(equipe):
    pilote = equipe.consortium.membres.get(role=RoleConsortium.PILOTE)
    with pytest.raises(ValidationError, match="garde au moins une organisation pilote"):
        services.retirer_membre(pilote, acteur=equipe.pilote)
    assert MembreConsortium.objects.filter(pk=pilote.pk).exists()


def test_l_organisation_du_secretaire_d_un_comite_reste_membre(equipe):
    # Le secrétaire est au Département : on le rattache aussi à la CAF, puis on retire la CAF.
    membre(equipe.caf, Role.SECRETAIRE_COMITE, utilisateur=equipe.secretaire)
    adhesion = equipe.consortium.membres.get(organisation=equipe.caf)
    with pytest.raises(ValidationError, match="désignez d'abord un autre secrétaire"):
        services.retirer_membre(adhesion, acteur=equipe.pilote)
    assert MembreConsortium.objects.filter(pk=adhesion.pk).exists()
