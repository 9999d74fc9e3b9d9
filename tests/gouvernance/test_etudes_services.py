"""Les services des études de situations : soumission (consentement, texte sans nom ni prénom, comité technique du
territoire, numéro et initiales), inscription à l'ordre du jour et retrait de l'ordre du jour, recommandation qui
revient dans le carnet, retrait par le côté qui l'a soumise. Rien n'est écrit quand une règle refuse."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gouvernance.choix import StatutSeance, Theme, TypePoint
from gouvernance.etudes import services
from gouvernance.models import EtudeSituation, Point, Seance, ValidationOrdreDuJour
from gouvernance.seances import services as seances
from parcours import nir
from parcours.models import EvenementCarnet, Personne
from tests.gouvernance import fabriques
from tests.gouvernance.test_etudes_decor import (
    QUESTION,
    comite_technique,
    decor_etudes,
    ouvrir_carnet,
    soumettre,
)

pytestmark = pytest.mark.django_db
Statut = EtudeSituation.Statut
Type = EvenementCarnet.Type


@pytest.fixture
def decor():
    return decor_etudes()


def erreurs(excinfo) -> dict:
    return excinfo.value.message_dict


def evenements(carnet, type_evenement):
    return list(carnet.evenements.filter(type=type_evenement).order_by("pk"))


# --- Soumettre -----------------------------------------------------------------------------------------------------


def test_soumettre_numerote_par_comite_pose_les_initiales_et_ecrit_dans_le_carnet(decor):
    premiere = soumettre(decor)
    deuxieme = soumettre(decor, carnet=ouvrir_carnet(decor.referente, decor.caf, prenom="Élodie", nom="Le Gall"))
    autre_comite = comite_technique(decor.equipe, nom="Comité technique santé", theme=Theme.SANTE)
    dans_l_autre = soumettre(decor, comite=autre_comite)

    assert (premiere.numero, premiere.initiales, premiere.pseudonyme) == (1, "A. D.", "Situation A. D. n° 1")
    assert (deuxieme.numero, deuxieme.initiales) == (2, "É. L.")
    assert dans_l_autre.numero == 1
    assert premiere.statut == Statut.SOUMISE
    assert (premiere.organisation, premiere.soumise_par) == (decor.caf, decor.referente)
    evenement = evenements(decor.carnet, Type.ETUDE_SITUATION_SOUMISE)[0]
    jour = (timezone.localdate() - timedelta(days=2)).strftime("%d/%m/%Y")
    assert evenement.resume == (
        "Situation soumise au comité « Comité technique mobilité » (Situation A. D. n° 1), "
        f"consentement écrit du {jour}"
    )
    assert evenement.organisation == decor.caf


@pytest.mark.parametrize(
    ("champ", "texte"),
    [
        ("situation", "Madame DURAND vit seule."),
        ("situation", "alexandra vit seule."),
        ("question", "Que proposer à Alexândra ?"),
        ("question", "Que proposer à Mme Durand-Pérez ?"),
    ],
)
def test_le_nom_et_le_prenom_sont_refuses_sans_tenir_compte_des_accents_ni_de_la_casse(decor, champ, texte):
    with pytest.raises(ValidationError) as excinfo:
        soumettre(decor, **{champ: texte})
    assert erreurs(excinfo) == {champ: [services.NOM_DANS_LE_TEXTE]}
    assert not EtudeSituation.objects.exists()
    assert not evenements(decor.carnet, Type.ETUDE_SITUATION_SOUMISE)


def test_chaque_partie_d_un_nom_compose_est_refusee_sauf_les_particules_courtes(decor):
    carnet = ouvrir_carnet(decor.referente, decor.caf, prenom="Jean-Pierre", nom="Le Gall")
    with pytest.raises(ValidationError) as excinfo:
        soumettre(decor, carnet=carnet, situation="Pierre cherche un emploi.", question="Et M. Gall ?")
    assert set(erreurs(excinfo)) == {"situation", "question"}
    # « le » seul n'est pas le nom ; un mot qui contient le nom (« Pierrefitte ») non plus.
    etude = soumettre(decor, carnet=carnet, situation="Le travail manque à Pierrefitte.", question=QUESTION)
    assert etude.initiales == "J. L."


def identifiee(decor):
    """Le carnet du décor, sa personne dotée de tous ses identifiants (née le 17/05/1988)."""
    nir_chiffre, nir_empreinte = nir.proteger("188054019200528")
    Personne.objects.filter(pk=decor.carnet.personne_id).update(
        nir_chiffre=nir_chiffre,
        nir_empreinte=nir_empreinte,
        numero_caf_msa="7654321",
        identifiant_france_travail="1234567A",
        identifiant_departement="D40-0042",
        email="maman.landes40@exemple.fr",
        telephone="06 12 34 56 78",
        adresse="12 bis rue des Lilas",
    )
    decor.carnet.personne.refresh_from_db()
    return decor


def message(*donnees) -> str:
    return (
        f"Retirez {donnees[0] if len(donnees) == 1 else ', '.join(donnees[:-1]) + ' et ' + donnees[-1]} de la "
        "personne : le comité ne la connaît que par ses initiales et un numéro."
    )


NIR = "le numéro de sécurité sociale (NIR)"
CAF = "le numéro d'allocataire CAF ou MSA"
FRANCE_TRAVAIL = "l'identifiant France Travail"
DEPARTEMENT = "l'identifiant au Département"
COURRIEL = "l'adresse e-mail"
TELEPHONE = "le numéro de téléphone"
NAISSANCE = "la date de naissance"
ADRESSE = "l'adresse"


@pytest.mark.parametrize(
    ("texte", "donnee"),
    [
        ("NIR 1 88 05 40 192 005 28, sans emploi.", NIR),
        ("Allocataire n° 7654321.", CAF),
        ("Inscrite sous le 1234567a.", FRANCE_TRAVAIL),
        ("Dossier d40 0042 au Département.", DEPARTEMENT),
        ("Joignable à Maman.Landes40@Exemple.fr.", COURRIEL),
        ("Joignable au 06.12.34.56.78.", TELEPHONE),
        ("Joignable au +33 6 12 34 56 78.", TELEPHONE),
        ("Joignable au 0612345678.", TELEPHONE),
        ("Née le 17/05/1988.", NAISSANCE),
        ("Née le 17.5.1988.", NAISSANCE),
        ("Née le 1988-05-17.", NAISSANCE),
        ("Née le 17 mai 1988.", NAISSANCE),
        ("Vit au 12 bis, rue des Lilas.", ADRESSE),
        ("Vit rue des lilas, loin de la gare.", ADRESSE),
    ],
)
def test_les_autres_identifiants_de_la_personne_sont_refuses_en_nommant_la_donnee(decor, texte, donnee):
    identifiee(decor)
    with pytest.raises(ValidationError) as excinfo:
        soumettre(decor, situation=texte)
    assert erreurs(excinfo) == {"situation": [message(donnee)]}
    assert not EtudeSituation.objects.exists()
    assert not evenements(decor.carnet, Type.ETUDE_SITUATION_SOUMISE)


def test_le_message_nomme_toutes_les_donnees_trouvees(decor):
    identifiee(decor)
    with pytest.raises(ValidationError) as excinfo:
        soumettre(decor, question="Que faire pour Alexandra, née le 17/05/1988, au 06 12 34 56 78 ?")
    assert erreurs(excinfo) == {"question": [message("le nom et le prénom", TELEPHONE, NAISSANCE)]}
    assert message("le nom et le prénom") == services.NOM_DANS_LE_TEXTE


def test_un_nombre_qui_ne_fait_que_contenir_un_identifiant_ou_une_autre_date_passe(decor):
    identifiee(decor)
    texte = (
        "Allocataire depuis 2017, dossier 76543210 sans rapport ; rendez-vous le 17/05/2025 ; "
        "36 ans ; ligne 0612345679 de la plateforme mobilité ; habite une autre rue."
    )
    assert soumettre(decor, situation=texte).situation == texte


def test_pas_de_consentement_pas_de_soumission(decor):
    demain = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as excinfo:
        soumettre(decor, consentement="", consentement_le=None)
    assert set(erreurs(excinfo)) == {"consentement", "consentement_le"}
    with pytest.raises(ValidationError) as excinfo:
        soumettre(decor, consentement="oral", consentement_le=demain)
    assert erreurs(excinfo) == {"consentement_le": ["Le consentement ne peut pas être daté dans le futur."]}
    assert not EtudeSituation.objects.exists()
    assert soumettre(decor, consentement="oral", consentement_le=timezone.localdate()).consentement == "oral"


def test_le_comite_est_un_comite_technique_actif_du_territoire_du_carnet(decor):
    with pytest.raises(ValidationError) as excinfo:
        soumettre(decor, comite=decor.cde)
    assert erreurs(excinfo) == {"comite": ["Une situation s'étudie en comité technique actif."]}

    inactif = comite_technique(decor.equipe, nom="Comité technique emploi", theme=Theme.EMPLOI, actif=False)
    with pytest.raises(ValidationError) as excinfo:
        soumettre(decor, comite=inactif)
    assert erreurs(excinfo) == {"comite": ["Une situation s'étudie en comité technique actif."]}

    consortium_64 = fabriques.consortium(decor.ailleurs)
    ailleurs = fabriques.comite(consortium_64, nom="CT 64", type="technique", theme=Theme.MOBILITE)
    with pytest.raises(ValidationError) as excinfo:
        soumettre(decor, comite=ailleurs)
    assert erreurs(excinfo) == {"comite": ["Ce comité technique relève d'un autre territoire que celui du carnet."]}
    assert not EtudeSituation.objects.exists()


def test_situation_et_question_sont_obligatoires(decor):
    with pytest.raises(ValidationError) as excinfo:
        soumettre(decor, situation="  ", question="")
    assert erreurs(excinfo) == {"situation": ["Ce champ est obligatoire."], "question": ["Ce champ est obligatoire."]}


# --- Ordre du jour -------------------------------------------------------------------------------------------------


def seance_validee(decor):
    """Une séance du comité technique dont l'ordre du jour est validé par le co-président."""
    seance = fabriques.seance(decor.technique, cree_par=decor.secretaire, statut=StatutSeance.ORDRE_DU_JOUR_VALIDE)
    fabriques.point(seance, "Tour de table")
    ValidationOrdreDuJour.objects.create(
        seance=seance, copresidence=decor.technique.copresidences.get(), utilisateur=decor.prefet
    )
    return seance


def test_inscrire_ajoute_un_point_pseudonyme_et_efface_les_validations(decor):
    etude = soumettre(decor)
    seance = seance_validee(decor)

    etude = services.inscrire_etude(etude, acteur=decor.secretaire, seance=seance)

    point = seance.points.get(ordre=2)
    assert (point.titre, point.description, point.type) == (
        "Étude de situation — Situation A. D. n° 1",
        QUESTION,
        TypePoint.INFORMATION,
    )
    assert (etude.statut, etude.point) == (Statut.INSCRITE, point)
    seance.refresh_from_db()
    assert (seance.statut, seance.validations.count()) == (StatutSeance.PREPARATION, 0)


def test_inscrire_refuse_une_seance_convoquee_d_un_autre_comite_ou_une_etude_deja_inscrite(decor):
    etude = soumettre(decor)
    convoquee = fabriques.seance(decor.technique, cree_par=decor.secretaire, statut=StatutSeance.CONVOQUEE)
    with pytest.raises(ValidationError, match="l'ordre du jour est figé"):
        services.inscrire_etude(etude, acteur=decor.secretaire, seance=convoquee)
    autre = fabriques.seance(decor.cde, cree_par=decor.secretaire)
    with pytest.raises(ValidationError) as excinfo:
        services.inscrire_etude(etude, acteur=decor.secretaire, seance=autre)
    assert erreurs(excinfo) == {"seance": ["Choisissez une séance de ce comité."]}
    assert not Point.objects.filter(titre__startswith="Étude").exists()

    preparation = fabriques.seance(decor.technique, cree_par=decor.secretaire)
    services.inscrire_etude(etude, acteur=decor.secretaire, seance=preparation)
    with pytest.raises(ValidationError, match="Seule une étude soumise"):
        services.inscrire_etude(etude, acteur=decor.secretaire, seance=preparation)
    assert preparation.points.count() == 1


def test_desinscrire_retire_le_point_et_rend_l_etude_soumise(decor):
    etude = soumettre(decor)
    seance = fabriques.seance(decor.technique, cree_par=decor.secretaire)
    services.inscrire_etude(etude, acteur=decor.secretaire, seance=seance)

    etude = services.desinscrire_etude(etude, acteur=decor.secretaire)

    assert (etude.statut, etude.point) == (Statut.SOUMISE, None)
    assert not seance.points.exists()
    with pytest.raises(ValidationError, match="inscrite à aucun ordre du jour"):
        services.desinscrire_etude(etude, acteur=decor.secretaire)


def test_le_point_supprime_depuis_la_seance_rend_l_etude_soumise(decor):
    etude = soumettre(decor)
    seance = fabriques.seance(decor.technique, cree_par=decor.secretaire)
    etude = services.inscrire_etude(etude, acteur=decor.secretaire, seance=seance)

    seances.supprimer_point(etude.point, acteur=decor.secretaire)

    etude.refresh_from_db()
    assert (etude.statut, etude.point) == (Statut.SOUMISE, None)


# --- Recommandation ------------------------------------------------------------------------------------------------


def inscrite_en_seance_commencee(decor, etude):
    seance = fabriques.seance_commencee(decor.technique, cree_par=decor.secretaire)
    point = fabriques.point(seance, services.titre_du_point(etude), description=etude.question)
    EtudeSituation.objects.filter(pk=etude.pk).update(point=point, statut=Statut.INSCRITE)
    etude.refresh_from_db()
    return etude


def test_la_recommandation_revient_dans_le_carnet_une_seule_fois(decor):
    etude = inscrite_en_seance_commencee(decor, soumettre(decor))
    aujourd_hui = timezone.localdate()
    texte = "Mobiliser l'aide au permis du Département.\nProposer une place en crèche à vocation d'insertion."

    etude = services.recommander(etude, acteur=decor.secretaire, recommandation=texte, recommandee_le=aujourd_hui)

    assert (etude.statut, etude.recommandee_le, etude.recommandation_saisie_par) == (
        Statut.RECOMMANDEE,
        aujourd_hui,
        decor.secretaire,
    )
    [evenement] = evenements(decor.carnet, Type.ETUDE_SITUATION_RECOMMANDATION)
    assert evenement.details["recommandation"] == texte
    assert evenement.resume == (
        "Recommandation du comité « Comité technique mobilité » (Situation A. D. n° 1) : Mobiliser l'aide au permis "
        "du Département. Proposer une place en crèche à vocation d'insertion."
    )
    with pytest.raises(ValidationError, match="déjà été rendue le"):
        services.recommander(etude, acteur=decor.secretaire, recommandation="Autre", recommandee_le=aujourd_hui)
    assert len(evenements(decor.carnet, Type.ETUDE_SITUATION_RECOMMANDATION)) == 1


def test_la_recommandation_attend_la_seance_et_se_date_entre_la_seance_et_aujourd_hui(decor):
    etude = soumettre(decor)
    with pytest.raises(ValidationError, match="étude inscrite"):
        services.recommander(etude, acteur=decor.secretaire, recommandation="R", recommandee_le=timezone.localdate())
    a_venir = fabriques.seance(decor.technique, cree_par=decor.secretaire)
    etude = services.inscrire_etude(etude, acteur=decor.secretaire, seance=a_venir)
    with pytest.raises(ValidationError, match="La séance n'a pas commencé"):
        services.recommander(etude, acteur=decor.secretaire, recommandation="R", recommandee_le=timezone.localdate())

    Seance.objects.filter(pk=a_venir.pk).update(date=timezone.now() - timedelta(days=3))
    veille = timezone.localdate(timezone.now() - timedelta(days=4))
    with pytest.raises(ValidationError) as excinfo:
        services.recommander(etude, acteur=decor.secretaire, recommandation="R", recommandee_le=veille)
    assert erreurs(excinfo) == {"recommandee_le": ["La recommandation ne peut pas précéder la séance qui l'a rendue."]}
    with pytest.raises(ValidationError) as excinfo:
        services.recommander(
            etude, acteur=decor.secretaire, recommandation=" ", recommandee_le=timezone.localdate() + timedelta(days=1)
        )
    assert erreurs(excinfo) == {
        "recommandation": ["Écrivez la recommandation du comité."],
        "recommandee_le": ["La recommandation ne peut pas être datée dans le futur."],
    }
    etude.refresh_from_db()
    assert (etude.statut, etude.recommandation) == (Statut.INSCRITE, "")
    assert not evenements(decor.carnet, Type.ETUDE_SITUATION_RECOMMANDATION)


# --- Droits : les services vérifient l'acteur, comme les vues -------------------------------------------------------


def test_soumettre_et_retirer_sont_reserves_a_ceux_qui_modifient_le_carnet(decor):
    # La collègue de la CAF voit le carnet (organisation partenaire) sans le modifier.
    with pytest.raises(PermissionDenied, match="Vous ne pouvez pas modifier ce carnet."):
        soumettre(decor, acteur=decor.collegue)
    assert not EtudeSituation.objects.exists()

    etude = soumettre(decor)
    with pytest.raises(PermissionDenied, match="Vous ne pouvez pas modifier ce carnet."):
        services.retirer_etude(etude, acteur=decor.collegue)
    with pytest.raises(PermissionDenied):
        services.retirer_etude(etude, acteur=decor.secretaire)  # le comité ne retire pas : la personne le fait
    etude.refresh_from_db()
    assert etude.statut == Statut.SOUMISE
    assert not evenements(decor.carnet, Type.ETUDE_SITUATION_RETIREE)


def test_inscrire_desinscrire_et_recommander_sont_reserves_au_secretaire(decor):
    seance = fabriques.seance(decor.technique, cree_par=decor.secretaire)
    etude = soumettre(decor)
    for intrus in (decor.prefet, decor.referente):  # le co-président voit le comité ; la référente a soumis
        with pytest.raises(PermissionDenied, match="Seul le secrétaire du comité"):
            services.inscrire_etude(etude, acteur=intrus, seance=seance)
    assert not seance.points.exists()

    etude = inscrite_en_seance_commencee(decor, etude)
    with pytest.raises(PermissionDenied, match="Seul le secrétaire du comité"):
        services.desinscrire_etude(etude, acteur=decor.prefet)
    with pytest.raises(PermissionDenied, match="Seul le secrétaire du comité"):
        services.recommander(etude, acteur=decor.prefet, recommandation="R", recommandee_le=timezone.localdate())
    etude.refresh_from_db()
    assert (etude.statut, etude.recommandation) == (Statut.INSCRITE, "")
    assert not evenements(decor.carnet, Type.ETUDE_SITUATION_RECOMMANDATION)


# --- Retrait -------------------------------------------------------------------------------------------------------


def test_retirer_une_etude_soumise_l_ecrit_dans_le_carnet(decor):
    etude = services.retirer_etude(soumettre(decor), acteur=decor.referente)
    assert etude.statut == Statut.RETIREE
    dernier = decor.carnet.evenements.order_by("-pk").first()
    assert dernier.resume == (
        "Étude retirée du comité « Comité technique mobilité » (Situation A. D. n° 1) : consentement retiré"
    )
    with pytest.raises(ValidationError, match="déjà retirée"):
        services.retirer_etude(etude, acteur=decor.referente)


def test_retirer_une_etude_inscrite_la_sort_de_l_ordre_du_jour(decor):
    seance = seance_validee(decor)
    etude = services.inscrire_etude(soumettre(decor), acteur=decor.secretaire, seance=seance)
    ValidationOrdreDuJour.objects.create(
        seance=seance, copresidence=decor.technique.copresidences.get(), utilisateur=decor.prefet
    )

    etude = services.retirer_etude(etude, acteur=decor.referente)

    assert (etude.statut, etude.point) == (Statut.RETIREE, None)
    assert list(seance.points.values_list("titre", flat=True)) == ["Tour de table"]
    assert seance.validations.count() == 0


def test_apres_la_convocation_le_point_reste_mais_l_etude_est_retiree(decor):
    etude = inscrite_en_seance_commencee(decor, soumettre(decor))
    etude = services.retirer_etude(etude, acteur=decor.referente)
    etude.refresh_from_db()
    assert etude.statut == Statut.RETIREE
    assert etude.point.titre == "Étude de situation — Situation A. D. n° 1"
    with pytest.raises(ValidationError, match="étude inscrite"):
        services.recommander(etude, acteur=decor.secretaire, recommandation="R", recommandee_le=timezone.localdate())


def test_une_etude_recommandee_ne_se_retire_plus(decor):
    etude = inscrite_en_seance_commencee(decor, soumettre(decor))
    services.recommander(etude, acteur=decor.secretaire, recommandation="R", recommandee_le=timezone.localdate())
    with pytest.raises(ValidationError, match="ne peut plus être retirée"):
        services.retirer_etude(etude, acteur=decor.referente)
    etude.refresh_from_db()
    assert etude.statut == Statut.RECOMMANDEE
