"""Les pages des études de situations : côté carnet (liste, soumission, retrait), côté comité (liste, page d'une
étude sous pseudonyme, inscription, recommandation). Le comité ne voit jamais le nom ni le lien du carnet ; les
listes se lisent en un nombre fixe de requêtes."""

import html
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from gouvernance.choix import StatutSeance
from gouvernance.etudes import services
from gouvernance.models import EtudeSituation
from parcours.models import ConsultationCarnet, EvenementCarnet
from tests.gouvernance import fabriques
from tests.gouvernance.test_etudes_decor import QUESTION, SITUATION, decor_etudes, ouvrir_carnet, soumettre

pytestmark = pytest.mark.django_db
Statut = EtudeSituation.Statut


@pytest.fixture
def decor():
    return decor_etudes()


def texte(reponse) -> str:
    return html.unescape(reponse.content.decode())


def sans_identite(page: str, carnet) -> bool:
    return (
        "Durand" not in page
        and "DURAND" not in page
        and "Alexandra" not in page
        and str(carnet.uuid) not in page
        and reverse("parcours:carnet", args=[carnet.uuid]) not in page
    )


# --- Côté carnet ---------------------------------------------------------------------------------------------------


def test_soumettre_depuis_le_carnet(client, connecter, decor):
    connecter(decor.referente)
    url = reverse("gouvernance:etude_soumettre", args=[decor.carnet.uuid])
    page = texte(client.get(url))
    assert "Comité technique mobilité (mobilité)" in page
    assert "Comité départemental pour l'emploi" not in page  # pas un comité technique

    donnees = {
        "comite": str(decor.technique.uuid),
        "consentement": "oral",
        "consentement_le": f"{timezone.localdate():%Y-%m-%d}",
        "situation": "Alexandra Durand vit seule.",
        "question": QUESTION,
    }
    reponse = client.post(url, donnees)
    assert reponse.status_code == 200
    assert services.NOM_DANS_LE_TEXTE in texte(reponse)
    assert not EtudeSituation.objects.exists()

    reponse = client.post(url, {**donnees, "situation": SITUATION}, follow=True)
    etude = EtudeSituation.objects.get()
    assert reponse.redirect_chain == [(reverse("gouvernance:etudes_du_carnet", args=[decor.carnet.uuid]), 302)]
    assert "sous le nom « Situation A. D. n° 1 »" in texte(reponse)
    assert (etude.consentement, etude.situation) == ("oral", SITUATION)


def test_sans_comite_technique_la_page_le_dit(client, connecter, decor):
    decor.technique.actif = False
    decor.technique.save(update_fields=["actif"])
    connecter(decor.referente)
    page = texte(client.get(reverse("gouvernance:etude_soumettre", args=[decor.carnet.uuid])))
    assert "Aucun comité technique actif sur le territoire de ce carnet." in page
    assert 'name="situation"' not in page


def test_la_liste_du_carnet_montre_statut_et_recommandation_et_le_retrait_aux_seuls_modificateurs(
    client, connecter, decor
):
    recommandee = soumettre(decor)
    seance = fabriques.seance_commencee(decor.technique, cree_par=decor.secretaire)
    point = fabriques.point(seance, services.titre_du_point(recommandee))
    EtudeSituation.objects.filter(pk=recommandee.pk).update(point=point, statut=Statut.INSCRITE)
    services.recommander(
        recommandee, acteur=decor.secretaire, recommandation="Aide au permis.", recommandee_le=timezone.localdate()
    )
    soumise = soumettre(decor)
    url = reverse("gouvernance:etudes_du_carnet", args=[decor.carnet.uuid])
    retirer = reverse("gouvernance:etude_retirer", args=[decor.carnet.uuid, soumise.uuid])

    connecter(decor.referente)
    page = texte(client.get(url))
    assert "Situation A. D. n° 1" in page and "Situation A. D. n° 2" in page
    assert "Aide au permis." in page and "Recommandation rendue" in page
    assert retirer in page
    assert reverse("gouvernance:etude_retirer", args=[decor.carnet.uuid, recommandee.uuid]) not in page

    connecter(decor.collegue)  # voit le carnet, ne le modifie pas
    page = texte(client.get(url))
    assert "Aide au permis." in page
    assert retirer not in page
    assert client.post(retirer).status_code == 403


def test_retirer_depuis_le_carnet(client, connecter, decor):
    etude = soumettre(decor)
    connecter(decor.referente)
    reponse = client.post(reverse("gouvernance:etude_retirer", args=[decor.carnet.uuid, etude.uuid]), follow=True)
    assert "est retirée : le comité ne l'étudiera pas." in texte(reponse)
    etude.refresh_from_db()
    assert etude.statut == Statut.RETIREE
    reponse = client.post(reverse("gouvernance:etude_retirer", args=[decor.carnet.uuid, etude.uuid]), follow=True)
    assert "Cette étude est déjà retirée." in texte(reponse)


def test_une_etude_d_un_autre_carnet_est_introuvable(client, connecter, decor):
    autre = ouvrir_carnet(decor.referente, decor.caf, prenom="Bruno", nom="Martin")
    etude = soumettre(decor, carnet=autre)
    connecter(decor.referente)
    url = reverse("gouvernance:etude_retirer", args=[decor.carnet.uuid, etude.uuid])
    assert client.post(url).status_code == 404


@pytest.mark.parametrize("nombre", [1, 30])
def test_la_liste_du_carnet_se_lit_en_un_nombre_fixe_de_requetes(
    client, connecter, decor, django_assert_num_queries, nombre
):
    for _ in range(nombre):
        soumettre(decor)
    connecter(decor.referente)
    url = reverse("gouvernance:etudes_du_carnet", args=[decor.carnet.uuid])
    client.get(url)
    with django_assert_num_queries(11):  # dont l'inscription au journal des consultations
        reponse = client.get(url)
    assert reponse.context["page"].paginator.count == nombre


def test_lire_les_etudes_du_carnet_s_inscrit_au_journal_des_consultations(client, connecter, decor):
    soumettre(decor)
    url = reverse("gouvernance:etudes_du_carnet", args=[decor.carnet.uuid])
    connecter(decor.collegue)
    assert client.get(url).status_code == 200
    connecter(decor.referente)
    assert client.get(url).status_code == 200
    consultations = ConsultationCarnet.objects.order_by("id").values_list(
        "carnet", "utilisateur", "organisation", "onglet"
    )
    assert list(consultations) == [
        (decor.carnet.pk, decor.collegue.pk, decor.caf.pk, "etudes"),
        (decor.carnet.pk, decor.referente.pk, decor.caf.pk, "etudes"),
    ]
    connecter(decor.secretaire)  # ne voit pas le carnet : rien n'est inscrit
    assert client.get(url).status_code == 404
    assert ConsultationCarnet.objects.count() == 2


# --- Côté comité ---------------------------------------------------------------------------------------------------


def test_le_comite_ne_voit_que_le_pseudonyme(client, connecter, decor):
    etude = soumettre(decor)
    connecter(decor.prefet)
    liste = texte(client.get(reverse("gouvernance:etudes_du_comite", args=[decor.technique.uuid])))
    page = texte(client.get(reverse("gouvernance:etude", args=[etude.uuid])))
    assert "Situation A. D. n° 1" in liste and decor.caf.nom in liste
    assert "Situation A. D. n° 1" in page and SITUATION in page and QUESTION in page
    assert f"Recueilli le {etude.consentement_le:%d/%m/%Y}" in page
    assert sans_identite(liste, decor.carnet) and sans_identite(page, decor.carnet)
    # Le co-président voit, le secrétaire agit.
    assert reverse("gouvernance:etude_inscrire", args=[etude.uuid]) not in page
    connecter(decor.secretaire)
    assert reverse("gouvernance:etude_inscrire", args=[etude.uuid]) in texte(
        client.get(reverse("gouvernance:etude", args=[etude.uuid]))
    )


def test_une_etude_retiree_ne_montre_plus_la_situation(client, connecter, decor):
    etude = services.retirer_etude(soumettre(decor), acteur=decor.referente)
    connecter(decor.secretaire)
    page = texte(client.get(reverse("gouvernance:etude", args=[etude.uuid])))
    assert "La personne a retiré son consentement" in page
    assert SITUATION not in page and QUESTION not in page
    assert reverse("gouvernance:etude_inscrire", args=[etude.uuid]) not in page


def test_inscrire_puis_recommander_depuis_les_pages_du_comite(client, connecter, decor):
    etude = soumettre(decor)
    seance = fabriques.seance(decor.technique, cree_par=decor.secretaire)
    fabriques.seance(decor.technique, cree_par=decor.secretaire, statut=StatutSeance.CONVOQUEE, dans_jours=7)
    connecter(decor.secretaire)
    url = reverse("gouvernance:etude_inscrire", args=[etude.uuid])
    formulaire = client.get(url)
    assert list(formulaire.context["form"].fields["seance"].queryset) == [seance]

    reponse = client.post(url, {"seance": str(seance.uuid)}, follow=True)
    assert "« Étude de situation — Situation A. D. n° 1 » est inscrite à l'ordre du jour." in texte(reponse)
    etude.refresh_from_db()
    assert etude.statut == Statut.INSCRITE
    assert client.get(url).status_code == 302  # déjà inscrite : retour à la page de l'étude

    recommandation = reverse("gouvernance:etude_recommandation", args=[etude.uuid])
    donnees = {"recommandation": "Aide au permis.", "recommandee_le": f"{timezone.localdate():%Y-%m-%d}"}
    reponse = client.post(recommandation, donnees)
    assert reponse.status_code == 200
    assert "La séance n'a pas commencé" in texte(reponse)

    seance.date = timezone.now() - timedelta(hours=2)
    seance.save(update_fields=["date"])
    reponse = client.post(recommandation, donnees, follow=True)
    assert "La recommandation est enregistrée : elle est écrite dans le carnet." in texte(reponse)
    assert decor.carnet.evenements.filter(type=EvenementCarnet.Type.ETUDE_SITUATION_RECOMMANDATION).count() == 1
    assert client.get(recommandation).status_code == 302  # une seule fois


def test_retirer_de_l_ordre_du_jour_depuis_la_page_de_l_etude(client, connecter, decor):
    seance = fabriques.seance(decor.technique, cree_par=decor.secretaire)
    etude = services.inscrire_etude(soumettre(decor), acteur=decor.secretaire, seance=seance)
    connecter(decor.secretaire)
    reponse = client.post(reverse("gouvernance:etude_desinscrire", args=[etude.uuid]), follow=True)
    assert "L'étude est retirée de l'ordre du jour" in texte(reponse)
    etude.refresh_from_db()
    assert (etude.statut, seance.points.count()) == (Statut.SOUMISE, 0)


@pytest.mark.parametrize("nombre", [1, 30])
def test_la_liste_du_comite_se_lit_en_un_nombre_fixe_de_requetes(
    client, connecter, decor, django_assert_num_queries, nombre
):
    seance = fabriques.seance(decor.technique, cree_par=decor.secretaire)
    for rang in range(nombre):
        etude = soumettre(decor)
        if rang % 2:
            services.inscrire_etude(etude, acteur=decor.secretaire, seance=seance)
    connecter(decor.prefet)
    url = reverse("gouvernance:etudes_du_comite", args=[decor.technique.uuid])
    client.get(url)
    with django_assert_num_queries(9):
        reponse = client.get(url)
    assert reponse.context["page"].paginator.count == nombre
