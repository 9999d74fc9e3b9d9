"""La validation de l'ordre du jour par les co-présidents : chacun une fois, un ordre du jour qui a des points ; quand
tous (un ou deux) l'ont validé, la séance passe à « ordre du jour validé » et la convocation peut partir."""

import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from gouvernance.choix import StatutSeance
from gouvernance.composition import services as composition
from gouvernance.models import CoPresidence, ValidationOrdreDuJour
from gouvernance.seances import services
from tests.gouvernance import fabriques


@pytest.fixture
def equipe(db):
    return fabriques.equipe_comite()


@pytest.fixture
def seance(equipe):
    seance = fabriques.seance(equipe.comite, cree_par=equipe.secretaire)
    fabriques.point(seance, "Installation du comité")
    fabriques.point(seance, "Feuille de route 2026")
    return seance


def _texte(reponse) -> str:
    return html.unescape(reponse.content.decode())


def _valider(client, seance):
    return client.post(reverse("gouvernance:ordre_du_jour_valider", args=[seance.uuid]))


def test_les_deux_copresidents_valident_et_l_ordre_du_jour_est_valide(client, connecter, equipe, seance):
    connecter(equipe.prefet)
    reponse = _valider(client, seance)
    assert reponse.status_code == 302
    seance.refresh_from_db()
    assert seance.statut == StatutSeance.PREPARATION
    page = _texte(client.get(reponse.url))
    assert "il attend la validation de l'autre co-président" in page
    assert "Pierre Préfet" in page and "a validé l'ordre du jour le" in page
    assert "Paule Présidente" in page and "n'a pas encore validé l'ordre du jour" in page
    assert "Valider l'ordre du jour</button>" not in page

    connecter(equipe.president)
    page = _texte(client.get(reverse("gouvernance:seance", args=[seance.uuid])))
    assert "Valider l'ordre du jour</button>" in page
    reponse = _valider(client, seance)
    assert "le secrétaire peut envoyer la convocation" in _texte(client.get(reponse.url))
    seance.refresh_from_db()
    assert seance.statut == StatutSeance.ORDRE_DU_JOUR_VALIDE
    assert set(seance.validations.values_list("copresidence", flat=True)) == {
        equipe.copresidences.etat.pk,
        equipe.copresidences.departement.pk,
    }


def test_un_copresident_ne_valide_qu_une_fois(client, connecter, equipe, seance):
    services.valider_ordre_du_jour(seance, acteur=equipe.prefet, copresidence=equipe.copresidences.etat)
    connecter(equipe.prefet)
    reponse = _valider(client, seance)
    assert reponse.status_code == 200 and "Vous avez déjà validé cet ordre du jour le" in _texte(reponse)
    assert ValidationOrdreDuJour.objects.count() == 1


def test_un_ordre_du_jour_sans_point_ne_se_valide_pas(equipe):
    vide = fabriques.seance(equipe.comite, cree_par=equipe.secretaire)
    with pytest.raises(ValidationError, match="L'ordre du jour n'a aucun point : il ne peut pas être validé."):
        services.valider_ordre_du_jour(vide, acteur=equipe.prefet, copresidence=equipe.copresidences.etat)
    assert not ValidationOrdreDuJour.objects.exists()


def test_un_seul_copresident_suffit_quand_le_comite_n_en_a_qu_un(equipe, seance):
    composition.retirer_copresidence(equipe.copresidences.departement, acteur=equipe.pilote)
    services.valider_ordre_du_jour(seance, acteur=equipe.prefet, copresidence=equipe.copresidences.etat)
    seance.refresh_from_db()
    assert seance.statut == StatutSeance.ORDRE_DU_JOUR_VALIDE


def test_le_copresident_d_un_autre_comite_ne_valide_pas(equipe, seance):
    autre_comite = fabriques.comite(
        equipe.consortium, nom="Comité technique mobilité", type="technique", theme="mobilite"
    )
    siege = fabriques.siege(autre_comite, equipe.prefecture)
    autre = composition.ajouter_copresidence(autre_comite, acteur=equipe.pilote, siege=siege, utilisateur=equipe.prefet)
    with pytest.raises(ValidationError, match="Vous ne co-présidez pas ce comité."):
        services.valider_ordre_du_jour(seance, acteur=equipe.prefet, copresidence=autre)
    assert not ValidationOrdreDuJour.objects.exists()


def test_une_seance_convoquee_n_a_plus_a_etre_validee(equipe, seance):
    seance.statut = StatutSeance.CONVOQUEE
    seance.save(update_fields=["statut"])
    with pytest.raises(ValidationError, match="La convocation est partie"):
        services.valider_ordre_du_jour(seance, acteur=equipe.prefet, copresidence=equipe.copresidences.etat)


def test_sans_copresident_la_page_le_dit_et_la_convocation_ne_part_pas(client, connecter, equipe, seance):
    CoPresidence.objects.filter(comite=equipe.comite).delete()
    connecter(equipe.secretaire)
    page = _texte(client.get(reverse("gouvernance:seance", args=[seance.uuid])))
    assert "Ce comité n'a pas de co-président : personne ne peut valider l'ordre du jour." in page
    reponse = client.post(reverse("gouvernance:convocation_envoyer", args=[seance.uuid]))
    assert reponse.status_code == 200
    assert "Le pilote du territoire désigne les co-présidents sur la page du comité." in _texte(reponse)
    seance.refresh_from_db()
    assert seance.statut == StatutSeance.PREPARATION and not seance.envois_convocation.exists()


def test_seuls_les_copresidents_valident(client, connecter, equipe, seance):
    for utilisateur in (equipe.secretaire, equipe.pilote, equipe.professionnel_caf):
        connecter(utilisateur)
        assert _valider(client, seance).status_code == 403
    assert not ValidationOrdreDuJour.objects.exists()
