"""Équipes pluridisciplinaires : création, modification, membres et séances (services et règles d'accès)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from parcours.equipes import regles, services
from parcours.models import EquipePluridisciplinaire, MembreEquipe, SeanceEquipe
from partenaires.choix import Role
from partenaires.models import Membre
from tests.factories import OrganisationFactory, membre
from tests.parcours.equipes_fabriques import Qualite, decor, equipe_pluridisciplinaire, membre_equipe


@pytest.fixture
def d(equipe):
    return decor(equipe)


def _quitter(appartenance):
    Membre.objects.filter(pk=appartenance.pk).update(is_active=False, date_fin=timezone.now(), motif_fin="Départ")


def _dans(jours):
    return timezone.now() + timedelta(days=jours)


# --- L'équipe ------------------------------------------------------------------------------------------------------


def test_le_pilote_cree_une_equipe_portee_par_un_departement_de_son_territoire(d):
    autre_departement_40 = OrganisationFactory(nom="Département (antenne sud)")
    ep = services.creer_equipe(
        acteur=d["pilote"], nom="  EP de la Chalosse ", organisation=autre_departement_40, secteur="Hagetmau"
    )
    assert (ep.nom, ep.departement, ep.organisation, ep.secteur, ep.active) == (
        "EP de la Chalosse",
        "40",
        autre_departement_40,
        "Hagetmau",
        True,
    )


def test_le_charge_d_orientation_cree_une_equipe_portee_par_son_departement(d):
    ep = services.creer_equipe(acteur=d["charge"], nom="EP du Marsan", organisation=d["porteur"])
    assert ep.cree_par == d["charge"]


@pytest.mark.parametrize("qui", ["professionnel_departement", "referente", "pilote_64", "representante"])
def test_les_autres_ne_creent_pas_d_equipe(d, qui):
    with pytest.raises(PermissionDenied):
        services.creer_equipe(acteur=d[qui], nom="EP du Marsan", organisation=d["porteur"])
    assert d["porteur"] not in regles.organisations_porteuses(d[qui])


def test_seul_un_departement_porte_une_equipe(d):
    with pytest.raises(PermissionDenied):
        services.creer_equipe(acteur=d["pilote"], nom="EP France Travail", organisation=d["france_travail"])
    assert list(regles.organisations_porteuses(d["pilote"])) == [d["porteur"]]


def test_le_nom_est_unique_dans_le_departement_sans_tenir_compte_de_la_casse(d):
    with pytest.raises(ValidationError) as erreur:
        services.creer_equipe(acteur=d["pilote"], nom="ep du pays DACQUOIS", organisation=d["porteur"])
    assert erreur.value.message_dict == {
        "nom": ["Une équipe pluridisciplinaire porte déjà ce nom dans ce département."]
    }


def test_le_meme_nom_est_possible_dans_un_autre_departement(d):
    landes_64 = OrganisationFactory(nom="Département 64 bis", departement="64")
    pilote_64 = membre(landes_64, Role.PILOTE).utilisateur
    ep = services.creer_equipe(acteur=pilote_64, nom="EP du Pays dacquois", organisation=landes_64)
    assert ep.departement == "64"


def test_modifier_et_desactiver_l_equipe(d):
    services.modifier_equipe(d["ep"], acteur=d["admin"], nom="EP de Dax", secteur="Grand Dax", active=False)
    d["ep"].refresh_from_db()
    assert (d["ep"].nom, d["ep"].secteur, d["ep"].active) == ("EP de Dax", "Grand Dax", False)


@pytest.mark.parametrize("qui", ["representante", "pilote_64", "referente"])
def test_seuls_les_gestionnaires_modifient_l_equipe(d, qui):
    with pytest.raises(PermissionDenied):
        services.modifier_equipe(d["ep"], acteur=d[qui], nom="EP de Dax")
    d["ep"].refresh_from_db()
    assert d["ep"].nom == "EP du Pays dacquois"


# --- Les membres ---------------------------------------------------------------------------------------------------


def test_ajouter_un_membre_avec_son_compte(d):
    recrue = membre(d["france_travail"]).utilisateur
    ajoute = services.ajouter_membre(
        d["ep"],
        acteur=d["charge"],
        qualite=Qualite.PROFESSIONNEL,
        nom_complet="Marc Conseiller",
        structure="France Travail Dax",
        email_compte=recrue.email.upper(),
        date_debut=date(2026, 1, 5),
    )
    assert (ajoute.utilisateur, ajoute.date_debut, ajoute.date_fin) == (recrue, date(2026, 1, 5), None)


def test_un_compte_inconnu_sans_organisation_active_ou_d_un_autre_departement_est_refuse_du_meme_message(d):
    """La recherche par adresse ne se fait que parmi les professionnels actifs des organisations du département de
    l'équipe : le message ne dit pas si l'adresse est celle d'un professionnel d'ailleurs."""
    sans_organisation = membre(d["france_travail"])
    _quitter(sans_organisation)
    d_ailleurs = membre(OrganisationFactory(nom="CCAS de Pau", type="ccas_commune_epci", departement="64"))
    for email in ("personne@exemple.fr", sans_organisation.utilisateur.email, d_ailleurs.utilisateur.email):
        with pytest.raises(ValidationError) as erreur:
            services.ajouter_membre(
                d["ep"], acteur=d["pilote"], qualite=Qualite.PROFESSIONNEL, nom_complet="X", email_compte=email
            )
        assert erreur.value.message_dict == {
            "email_compte": [
                "Cette adresse n'est pas celle d'un professionnel actif d'une organisation du département de "
                "l'équipe : vérifiez-la, ou ajoutez le membre sans compte."
            ]
        }
    assert MembreEquipe.objects.filter(equipe=d["ep"]).count() == 3


def test_un_compte_ne_siege_qu_une_fois(d):
    with pytest.raises(ValidationError) as erreur:
        services.ajouter_membre(
            d["ep"],
            acteur=d["pilote"],
            qualite=Qualite.PROFESSIONNEL,
            nom_complet="Léa Membre",
            email_compte=d["representante"].email,
        )
    assert "déjà celui d'un membre en fonction" in erreur.value.message_dict["email_compte"][0]


def test_qualite_et_nom_sont_obligatoires(d):
    with pytest.raises(ValidationError) as erreur:
        services.ajouter_membre(d["ep"], acteur=d["pilote"], qualite="president", nom_complet=" ")
    assert set(erreur.value.message_dict) == {"qualite", "nom_complet"}


def test_fin_de_mandat_et_perte_de_la_vue_sur_l_equipe(d):
    siege = d["ep"].membres.get(utilisateur=d["representante"])
    assert regles.equipes_visibles(d["representante"]).filter(pk=d["ep"].pk).exists()
    services.terminer_membre(siege, acteur=d["pilote"], date_fin=timezone.localdate())
    assert regles.equipes_visibles(d["representante"]).filter(pk=d["ep"].pk).exists()  # jusqu'au soir
    siege.date_fin = timezone.localdate() - timedelta(days=1)
    siege.save()
    assert not regles.equipes_visibles(d["representante"]).exists()


def test_la_fin_suit_le_debut_et_ne_s_enregistre_qu_une_fois(d):
    siege = d["ep"].membres.get(utilisateur=d["representante"])
    with pytest.raises(ValidationError) as erreur:
        services.terminer_membre(siege, acteur=d["pilote"], date_fin=date(2019, 12, 31))
    assert erreur.value.message_dict == {"date_fin": ["La fin ne peut pas précéder le début (01/01/2020)."]}
    services.terminer_membre(siege, acteur=d["pilote"], date_fin=date(2025, 6, 30))
    with pytest.raises(ValidationError) as erreur:
        services.terminer_membre(siege, acteur=d["pilote"], date_fin=date(2025, 7, 1))
    assert erreur.value.messages == ["Léa Membre n'est plus membre depuis le 30/06/2025."]


def test_un_membre_qui_quitte_son_organisation_ne_voit_plus_l_equipe(d):
    _quitter(d["representante"].membres.get())
    assert not regles.equipes_visibles(d["representante"]).exists()


# --- Les séances ---------------------------------------------------------------------------------------------------


def test_programmer_une_seance(d):
    quand = _dans(10)
    seance = services.creer_seance(d["ep"], acteur=d["admin"], date_heure=quand, lieu="Salle 2")
    assert (seance.date_heure, seance.lieu, seance.cree_par) == (quand, "Salle 2", d["admin"])


def test_une_seance_se_programme_a_une_date_a_venir(d):
    with pytest.raises(ValidationError) as erreur:
        services.creer_seance(d["ep"], acteur=d["pilote"], date_heure=_dans(-1))
    assert erreur.value.message_dict == {"date_heure": ["La séance se programme à une date à venir."]}


def test_sans_representant_des_beneficiaires_pas_de_seance(d):
    ep = equipe_pluridisciplinaire(d["porteur"], d["pilote"], nom="EP incomplète", composee=False)
    membre_equipe(ep, Qualite.PROFESSIONNEL, "Paul Lafitte")
    with pytest.raises(ValidationError) as erreur:
        services.creer_seance(ep, acteur=d["pilote"], date_heure=_dans(10))
    assert erreur.value.messages == [
        "Pour tenir une séance, l'équipe compte au moins un professionnel de l'insertion et un représentant des "
        "bénéficiaires du RSA en fonction à sa date : il manque représentant des bénéficiaires du rsa. Ajoutez ce "
        "membre avant de programmer la séance."
    ]
    assert not SeanceEquipe.objects.filter(equipe=ep).exists()


def test_un_membre_dont_le_mandat_finit_avant_la_seance_ne_compte_pas(d):
    ep = equipe_pluridisciplinaire(d["porteur"], d["pilote"], nom="EP fragile", composee=False)
    membre_equipe(ep, Qualite.REPRESENTANT_BENEFICIAIRES, "Rose Darrigade")
    membre_equipe(ep, Qualite.PROFESSIONNEL, "Paul Lafitte", date_fin=timezone.localdate() + timedelta(days=5))
    with pytest.raises(ValidationError) as erreur:
        services.creer_seance(ep, acteur=d["pilote"], date_heure=_dans(10))
    assert "il manque professionnel de l'insertion." in erreur.value.messages[0]
    assert services.creer_seance(ep, acteur=d["pilote"], date_heure=_dans(3)).equipe == ep


def test_une_equipe_desactivee_ne_tient_plus_de_seance(d):
    EquipePluridisciplinaire.objects.filter(pk=d["ep"].pk).update(active=False)
    d["ep"].refresh_from_db()
    with pytest.raises(ValidationError) as erreur:
        services.creer_seance(d["ep"], acteur=d["pilote"], date_heure=_dans(10))
    assert erreur.value.messages == ["L'équipe est désactivée : elle ne tient plus de séance."]


@pytest.mark.parametrize("qui", ["representante", "pilote_64", "professionnel_departement"])
def test_seuls_les_gestionnaires_programment_une_seance(d, qui):
    with pytest.raises(PermissionDenied):
        services.creer_seance(d["ep"], acteur=d[qui], date_heure=_dans(10))
    with pytest.raises(PermissionDenied):
        services.ajouter_membre(d["ep"], acteur=d[qui], qualite=Qualite.PROFESSIONNEL, nom_complet="X")
    assert MembreEquipe.objects.filter(equipe=d["ep"]).count() == 3
