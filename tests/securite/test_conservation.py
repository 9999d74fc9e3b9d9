"""Conservation : un carnet sans contact depuis 24 mois est anonymisé par `manage.py anonymiser_dossiers`
(simulation par défaut) et par la tâche de nuit, sauf gel légal en cours ; les indicateurs du pilotage gardent leurs
chiffres. Le gel légal : qui le pose et le lève, la frise.

Les dates : les carnets sont ouverts le 02/06/2025 ; la commande tourne le 15/09/2027, la limite est donc le
15/09/2025 (un contact ce jour-là garde le carnet, un contact la veille ne le garde pas)."""

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gouvernance.indicateurs import calcul
from gouvernance.indicateurs import population as p
from parcours import conservation
from parcours import services as carnet_services
from parcours.models import (
    AnonymisationCarnet,
    Carnet,
    EvenementCarnet,
    GelLegal,
    Note,
    Personne,
    RendezVous,
    SortieParcours,
)
from parcours.suivi import services as suivi_services
from partenaires.choix import Role
from partenaires.models import Utilisateur
from tests.factories import membre
from tests.parcours import suivi_fabriques
from tests.parcours.espace_fabriques import ouvrir_espace
from tests.parcours.suivi_fabriques import decision, instant, ouvrir

equipe, temps = suivi_fabriques.equipe, suivi_fabriques.temps  # fixtures

JOUR = date(2027, 9, 15)
LIMITE = date(2025, 9, 15)


def _note_le(equipe, temps, jour, carnet=None, texte="Entretien : Inès parle de sa dette au bailleur"):
    temps.move_to(instant(jour), tick=False)
    return carnet_services.ajouter_note(
        carnet or equipe["carnet"],
        acteur=equipe["referente"],
        organisation=equipe["departement"],
        texte=texte,
        visibilite="groupe",
    )


def _commande(temps, *arguments, jour=JOUR) -> str:
    temps.move_to(instant(jour, 2), tick=False)
    sortie = io.StringIO()
    call_command("anonymiser_dossiers", *arguments, stdout=sortie)
    return sortie.getvalue()


def _anonymise(carnet) -> bool:
    return AnonymisationCarnet.objects.filter(carnet=carnet).exists()


# --- La limite des 24 mois ----------------------------------------------------------------------------------


def test_la_limite_est_24_mois_calendaires_avant_le_jour():
    assert conservation.limite_conservation(JOUR) == LIMITE
    assert conservation.limite_conservation(date(2027, 2, 28)) == date(2025, 2, 28)
    assert conservation.limite_conservation(date(2028, 2, 29)) == date(2026, 2, 28)


@pytest.mark.parametrize(
    ("dernier_contact", "anonymise"),
    [(LIMITE - timedelta(days=1), True), (LIMITE, False), (LIMITE + timedelta(days=1), False)],
    ids=["24 mois et un jour", "exactement 24 mois", "24 mois moins un jour"],
)
def test_un_carnet_est_anonymise_au_dela_de_24_mois_sans_contact(equipe, temps, dernier_contact, anonymise):
    _note_le(equipe, temps, dernier_contact)
    _commande(temps, "--executer")
    assert _anonymise(equipe["carnet"]) is anonymise
    personne = Personne.objects.get(pk=equipe["carnet"].personne_id)
    assert (personne.nom == "Anonyme") is anonymise


def test_un_rendez_vous_honore_compte_comme_contact_mais_pas_un_rendez_vous_manque(equipe, temps):
    honore = ouvrir(equipe["referente"], equipe["departement"], nom="Honore")
    absent = ouvrir(equipe["referente"], equipe["departement"], nom="Absent")
    for carnet, statut in [(honore, RendezVous.Statut.HONORE), (absent, RendezVous.Statut.ABSENT)]:
        temps.move_to(instant(LIMITE - timedelta(days=5)), tick=False)
        rdv = carnet_services.prevoir_rendez_vous(
            carnet,
            acteur=equipe["referente"],
            intervenant=equipe["referente"],
            date_heure=instant(LIMITE),
            objet="Point",
            lieu="Dax",
        )
        temps.move_to(instant(LIMITE, 18), tick=False)
        carnet_services.mettre_a_jour_rendez_vous(rdv, acteur=equipe["referente"], statut=statut, compte_rendu="Vu")
    _commande(temps, "--executer")
    assert not _anonymise(honore) and _anonymise(absent)


def test_un_rendez_vous_prevu_a_venir_empeche_l_anonymisation(equipe, temps):
    """Un rendez-vous à venir n'est pas un contact (la règle du point de situation ne compte que les rendez-vous
    honorés) ; mais la personne est attendue : on n'efface pas son dossier avant."""
    temps.move_to(instant(JOUR - timedelta(days=3)), tick=False)
    carnet_services.prevoir_rendez_vous(
        equipe["carnet"],
        acteur=equipe["referente"],
        intervenant=equipe["referente"],
        date_heure=instant(JOUR + timedelta(days=10)),
        objet="Reprise de contact",
        lieu="Dax",
    )
    assert "0 carnet(s)" in _commande(temps, "--executer")
    assert not _anonymise(equipe["carnet"])
    # Le jour venu, le rendez-vous passe sans être honoré : il ne protège plus rien.
    _commande(temps, "--executer", jour=JOUR + timedelta(days=11))
    assert _anonymise(equipe["carnet"])


def test_un_carnet_rouvert_compte_sa_reouverture_comme_contact(equipe, temps):
    temps.move_to(instant(date(2025, 7, 1)), tick=False)
    suivi_services.sortir(
        equipe["carnet"], acteur=equipe["referente"], motif="demenagement", date_sortie=date(2025, 7, 1)
    )
    temps.move_to(instant(LIMITE), tick=False)
    suivi_services.rouvrir(equipe["carnet"], acteur=equipe["referente"], motif="Retour dans les Landes")
    assert SortieParcours.objects.get().rouvert_le == LIMITE
    _commande(temps, "--executer")
    assert not _anonymise(equipe["carnet"])
    _commande(temps, "--executer", jour=JOUR + timedelta(days=1))
    assert _anonymise(equipe["carnet"])


def test_un_carnet_clos_ou_actif_suit_la_meme_regle(equipe, temps):
    temps.move_to(instant(date(2025, 7, 1)), tick=False)
    clos = ouvrir(equipe["referente"], equipe["departement"], nom="Clos")
    suivi_services.sortir(clos, acteur=equipe["referente"], motif="demenagement", date_sortie=date(2025, 7, 1))
    _commande(temps, "--executer")
    assert _anonymise(clos) and _anonymise(equipe["carnet"])
    assert Carnet.objects.get(pk=equipe["carnet"].pk).statut == Carnet.Statut.ACTIF  # le statut reste (statistique)


# --- La commande ----------------------------------------------------------------------------------------------


def test_la_simulation_dit_combien_et_lesquels_par_identifiant_sans_nom_et_ne_change_rien(equipe, temps):
    recent = ouvrir(equipe["referente"], equipe["departement"], nom="Recent")
    _note_le(equipe, temps, LIMITE, carnet=recent)
    sortie = _commande(temps)
    assert (
        f"1 carnet(s) sans contact depuis le 15/09/2025 (24 mois) à anonymiser. Identifiants : {equipe['carnet'].pk}."
        in sortie
    )
    assert "Simulation : rien n'est modifié" in sortie
    assert "Lalanne" not in sortie and "Inès" not in sortie
    assert not AnonymisationCarnet.objects.exists()
    assert Personne.objects.get(pk=equipe["carnet"].personne_id).nom == "Lalanne"


def test_l_execution_anonymise_et_laisse_une_trace_attribuable_sans_donnee_personnelle(equipe, temps):
    sortie = _commande(temps, "--executer")
    assert (
        f"1 carnet(s) sans contact depuis le 15/09/2025 (24 mois) anonymisé(s). Identifiants : {equipe['carnet'].pk}."
        in sortie
    )
    trace = AnonymisationCarnet.objects.get()
    assert trace.carnet_id == equipe["carnet"].pk
    assert trace.commande == "manage.py anonymiser_dossiers"
    assert trace.date == instant(JOUR, 2)
    assert (trace.sans_contact_depuis, trace.duree_mois) == (LIMITE, 24)
    assert "Lalanne" not in str(trace) and "Inès" not in str(trace)


def test_la_commande_est_idempotente(equipe, temps):
    _commande(temps, "--executer")
    personne = Personne.objects.get(pk=equipe["carnet"].personne_id)
    assert "0 carnet(s)" in _commande(temps, "--executer", jour=JOUR + timedelta(days=1))
    assert AnonymisationCarnet.objects.count() == 1
    assert Personne.objects.get(pk=personne.pk).date_naissance == personne.date_naissance  # pas tronquée deux fois


def test_la_duree_se_regle(equipe, temps, settings):
    settings.SPIE_CONSERVATION_MOIS = 36
    assert "0 carnet(s)" in _commande(temps, "--executer")
    assert "sans contact depuis le 15/09/2024 (36 mois)" in _commande(temps)


def test_la_tache_de_nuit_anonymise_pour_de_bon_au_nom_de_beat(equipe, temps, settings):
    from parcours import tasks

    assert settings.CELERY_BEAT_SCHEDULE["anonymiser-dossiers"]["task"] == "parcours.tasks.anonymiser_dossiers"
    temps.move_to(instant(JOUR, 2), tick=False)
    tasks.anonymiser_dossiers.delay()
    assert AnonymisationCarnet.objects.get().commande == "tâche de nuit (beat)"


# --- Ce qui est effacé -----------------------------------------------------------------------------------------


def _remplir(equipe, temps):
    """Un carnet garni de données personnelles, sans contact depuis le 01/07/2025."""
    carnet = equipe["carnet"]
    personne = Personne.objects.get(pk=carnet.personne_id)
    personne.nir = "285034012345678"  # une propriété : chiffre et calcule l'empreinte (parcours/nir.py)
    personne.save(update_fields=["nir_chiffre", "nir_empreinte"])
    Personne.objects.filter(pk=carnet.personne_id).update(
        email="ines.lalanne@exemple.fr",
        telephone="0612345678",
        adresse="3 rue des Arènes",
        code_postal="40100",
        commune="Dax",
        code_commune="40088",
        lieu_naissance="Mont-de-Marsan",
        identifiant_departement="D-40-7788",
        numero_caf_msa="7766554",
        identifiant_france_travail="FT998877",
    )
    temps.move_to(instant(date(2025, 7, 1)), tick=False)
    carnet_services.changer_statut(
        carnet,
        acteur=equipe["referente"],
        type="droit_rsa",
        valeur="ouvert_versable",
        date_debut=date(2025, 6, 1),
        motif="Dossier vu avec Inès Lalanne",
    )
    rdv = carnet_services.prevoir_rendez_vous(
        carnet,
        acteur=equipe["referente"],
        intervenant=equipe["referente"],
        date_heure=instant(date(2025, 7, 1)),
        objet="Bilan avec Inès Lalanne",
        lieu="Dax",
    )
    carnet_services.mettre_a_jour_rendez_vous(
        rdv, acteur=equipe["referente"], statut=RendezVous.Statut.HONORE, compte_rendu="Inès Lalanne venue"
    )
    _note_le(equipe, temps, date(2025, 6, 20))
    ouvrir_espace(carnet, email="ines.lalanne@exemple.fr")
    return carnet


def test_l_identite_les_textes_libres_et_le_compte_sont_effaces(equipe, temps):
    carnet = _remplir(equipe, temps)
    compte = Utilisateur.objects.get(espace_personne__personne=carnet.personne_id)
    _commande(temps, "--executer")

    personne = Personne.objects.get(pk=carnet.personne_id)
    assert (personne.nom, personne.prenom, personne.date_naissance) == ("Anonyme", "Anonyme", date(1985, 3, 1))
    for champ in ["nir", "email", "telephone", "adresse", "code_postal", "commune", "lieu_naissance",
                  "identifiant_departement", "numero_caf_msa", "identifiant_france_travail"]:  # fmt: skip
        assert getattr(personne, champ) == "", champ
    assert personne.code_commune == "40088"  # le territoire des statistiques reste
    assert Note.objects.get().texte == conservation.EFFACE
    rdv = RendezVous.objects.get()
    assert (rdv.objet, rdv.compte_rendu, rdv.lieu, rdv.statut) == ("(effacé)", "(effacé)", "(effacé)", "honore")
    statut = personne.statuts.get()
    assert (statut.valeur, statut.motif) == ("ouvert_versable", conservation.EFFACE)
    assert all(d == {} for d in EvenementCarnet.objects.filter(carnet=carnet).values_list("details", flat=True))
    compte.refresh_from_db()
    assert compte.email is None and compte.nom == "" and compte.prenom == "" and not compte.is_active
    assert not compte.has_usable_password() and compte.identifiant == f"anonyme-{compte.pk}"
    assert carnet.personne.espace.__class__.objects.get(compte=compte).ferme_le is not None


def test_aucune_donnee_personnelle_ne_reste_dans_la_base(equipe, temps):
    """Tout ce que la base contient sur les applications du projet, sérialisé : ni le nom, ni le prénom, ni le NIR,
    ni les coordonnées, ni le texte de la note."""
    _remplir(equipe, temps)
    temoin = ouvrir(equipe["referente"], equipe["departement"], nom="Temoin")  # non anonymisé : le test voit bien
    _note_le(equipe, temps, LIMITE, carnet=temoin, texte="Note du témoin Inès-témoin")

    def base() -> str:
        sortie = io.StringIO()
        call_command("dumpdata", "parcours", "partenaires", stdout=sortie)
        return sortie.getvalue()

    avant = base()
    # Le NIR n'est jamais en clair dans la base (parcours/nir.py) : on suit son chiffré et son empreinte.
    nir_chiffre, nir_empreinte = Personne.objects.values_list("nir_chiffre", "nir_empreinte").get(
        pk=equipe["carnet"].personne_id
    )
    assert "285034012345678" not in avant
    for trace in ["Lalanne", nir_chiffre, nir_empreinte, "ines.lalanne", "0612345678", "Arènes", "D-40-7788",
                  "FT998877", "sa dette au bailleur"]:  # fmt: skip
        assert trace in avant or trace.encode("unicode_escape").decode() in avant, trace
    _commande(temps, "--executer")
    apres = base()
    for trace in ["Lalanne", "285034012345678", nir_chiffre, nir_empreinte, "ines.lalanne", "0612345678",
                  "Ar\\u00e8nes", "Arènes", "D-40-7788", "FT998877", "sa dette au bailleur", "7766554"]:  # fmt: skip
        assert trace not in apres, trace
    assert "Temoin" in apres  # le carnet récent est intact


def test_tout_ou_rien_une_erreur_au_milieu_ne_laisse_aucun_carnet_a_moitie_anonymise(equipe, temps, monkeypatch):
    _remplir(equipe, temps)

    class Panne:
        class objects:  # noqa: N801 - se fait passer pour un modèle
            @staticmethod
            def filter(**kwargs):
                raise RuntimeError("panne au milieu")

    # La panne vient après l'identité, le compte et la moitié des textes libres.
    milieu = len(conservation.TEXTES_LIBRES) // 2
    textes = [*conservation.TEXTES_LIBRES[:milieu], (Panne, "carnet", ["x"]), *conservation.TEXTES_LIBRES[milieu:]]
    monkeypatch.setattr(conservation, "TEXTES_LIBRES", textes)
    temps.move_to(instant(JOUR, 2), tick=False)
    with pytest.raises(RuntimeError, match="panne au milieu"):
        conservation.anonymiser_dossiers(executer=True, par="test")
    personne = Personne.objects.get(pk=equipe["carnet"].personne_id)
    assert personne.nom == "Lalanne" and personne.nir == "285034012345678"
    assert Note.objects.get().texte.startswith("Entretien")
    assert Utilisateur.objects.get(espace_personne__personne=personne).is_active
    assert not AnonymisationCarnet.objects.exists()


def _requetes(temps, jour) -> int:
    temps.move_to(instant(jour, 2), tick=False)
    with CaptureQueriesContext(connection) as requetes:
        conservation.anonymiser_dossiers(executer=True, par="test", aujourd_hui=jour)
    return len(requetes)


def test_le_nombre_de_requetes_ne_grandit_pas_avec_le_nombre_de_carnets(equipe, temps):
    """Chaque carnet anonymisé vient à la même date ; un lot de 1 carnet et un lot de 6 coûtent autant."""
    temps.move_to(instant(date(2025, 6, 2)), tick=False)
    un = _requetes(temps, JOUR)  # le carnet de l'équipe seul
    temps.move_to(instant(date(2025, 7, 2)), tick=False)
    for i in range(6):
        carnet = ouvrir(equipe["referente"], equipe["departement"], nom=f"Lot{i}")
        _note_le(equipe, temps, date(2025, 7, 2), carnet=carnet)
        ouvrir_espace(carnet)
    six = _requetes(temps, JOUR + timedelta(days=31))
    assert AnonymisationCarnet.objects.count() == 7
    # 1 sélection, puis par lot : verrou, relecture, compte, espace, activations, identité, 22 modèles de textes
    # libres, 2 de données structurées, les études de situation (gouvernance), la trace ; plus le point de
    # sauvegarde du lot et sa libération (dans la transaction du test).
    assert six == un == 35, (un, six)


# --- Les indicateurs du pilotage ne changent pas ---------------------------------------------------------------


def test_les_indicateurs_du_pilotage_gardent_leurs_chiffres(equipe, temps):
    referente, departement = equipe["referente"], equipe["departement"]
    _remplir(equipe, temps)
    temps.move_to(instant(date(2025, 7, 3)), tick=False)
    jeune = ouvrir(referente, departement, nom="Jeune", date_naissance=date(2000, 8, 20))  # 25 ans le 20/08/2025
    carnet_services.changer_statut(
        jeune, acteur=referente, type="droit_rsa", valeur="ouvert_versable", date_debut=date(2025, 7, 1)
    )
    decision(jeune, departement, referente, date_decision=date(2025, 7, 10))
    temps.move_to(instant(date(2025, 8, 30)), tick=False)
    suivi_services.sortir(jeune, acteur=referente, motif="emploi_durable", date_sortie=date(2025, 8, 29))
    periodes = [p.Periode(date(2025, 7, 1), date(2025, 9, 30)), p.Periode(date(2025, 6, 1), date(2025, 6, 30))]
    periodes += [p.Periode(date(2026, 8, 1), date(2026, 8, 31))]  # les 26 ans du jeune : fin de mois

    def mesures():
        temps.move_to(instant(JOUR, 9), tick=False)
        return [calcul.indicateurs_du_territoire(calcul.Filtres(departement="40", periode=x)) for x in periodes]

    avant = mesures()
    assert any(m.valeur for m in avant[0].values())  # il y a bien des chiffres
    assert "2 carnet(s)" in _commande(temps, "--executer")
    assert mesures() == avant


# --- Gel légal -------------------------------------------------------------------------------------------------


def test_un_gel_legal_empeche_l_anonymisation_tant_qu_il_court(equipe, temps):
    admin = membre(equipe["departement"], Role.ADMINISTRATEUR).utilisateur
    temps.move_to(instant(date(2027, 1, 5)), tick=False)
    gel = conservation.poser_gel_legal(equipe["carnet"], acteur=admin, motif="Contentieux au tribunal administratif")
    assert "0 carnet(s)" in _commande(temps, "--executer")
    conservation.lever_gel_legal(equipe["carnet"], acteur=admin, motif="Jugement rendu")
    gel.refresh_from_db()
    assert gel.leve_par == admin and gel.motif_levee == "Jugement rendu"
    assert "1 carnet(s)" in _commande(temps, "--executer", jour=JOUR + timedelta(days=1))
    gel.refresh_from_db()
    assert gel.motif == conservation.EFFACE and gel.motif_levee == conservation.EFFACE


def test_le_gel_est_pose_et_leve_par_un_administrateur_de_l_organisation_du_referent(equipe, temps):
    carnet = equipe["carnet"]
    admin = membre(equipe["departement"], Role.ADMINISTRATEUR).utilisateur
    admin_ailleurs = membre(equipe["mission_locale"], Role.ADMINISTRATEUR).utilisateur
    carnet_services.ajouter_intervenant(
        carnet, acteur=equipe["referente"], utilisateur=equipe["conseiller"], organisation=equipe["mission_locale"]
    )
    assert conservation.peut_gerer_gel_legal(admin, carnet)
    for refuse in [equipe["referente"], equipe["conseiller"], admin_ailleurs, equipe["pilote"], equipe["charge"]]:
        assert not conservation.peut_gerer_gel_legal(refuse, carnet)
        with pytest.raises(PermissionDenied):
            conservation.poser_gel_legal(carnet, acteur=refuse, motif="Motif")
    assert not GelLegal.objects.exists()


def test_le_gel_s_ecrit_dans_la_frise_et_ses_erreurs_sont_en_francais(equipe, temps):
    carnet = equipe["carnet"]
    admin = membre(equipe["departement"], Role.ADMINISTRATEUR).utilisateur
    with pytest.raises(ValidationError) as erreur:
        conservation.poser_gel_legal(carnet, acteur=admin, motif="   ")
    assert erreur.value.message_dict == {"motif": ["Écrivez le motif du gel (contentieux, demande d'une autorité…)."]}
    with pytest.raises(ValidationError, match="pas de gel légal en cours"):
        conservation.lever_gel_legal(carnet, acteur=admin, motif="Fin")
    conservation.poser_gel_legal(carnet, acteur=admin, motif="Réquisition judiciaire")
    with pytest.raises(ValidationError, match="déjà un gel légal en cours"):
        conservation.poser_gel_legal(carnet, acteur=admin, motif="Deuxième")
    with pytest.raises(ValidationError) as erreur:
        conservation.lever_gel_legal(carnet, acteur=admin, motif="")
    assert "motif_levee" in erreur.value.message_dict
    conservation.lever_gel_legal(carnet, acteur=admin, motif="Affaire classée")
    evenements = list(carnet.evenements.filter(type__startswith="gel_legal").order_by("date", "pk"))
    assert [(e.type, e.acteur, e.organisation) for e in evenements] == [
        (EvenementCarnet.Type.GEL_LEGAL_POSE, admin, equipe["departement"]),
        (EvenementCarnet.Type.GEL_LEGAL_LEVE, admin, equipe["departement"]),
    ]
    assert "Réquisition" not in str([e.details for e in evenements])  # le motif reste dans le gel, pas la frise


# --- La page du gel légal ---------------------------------------------------------------------------------------


def test_la_page_pose_puis_leve_le_gel_avec_des_erreurs_en_francais(equipe, temps, connecter):
    from django.urls import reverse

    from parcours.models import ConsultationCarnet

    admin = membre(equipe["departement"], Role.ADMINISTRATEUR).utilisateur
    client = connecter(admin)
    url = reverse("parcours:carnet_gel_legal", args=[equipe["carnet"].uuid])
    page = client.get(url).content.decode()
    assert "Poser le gel" in page and "anonymisé chaque nuit" in page
    assert ConsultationCarnet.objects.filter(utilisateur=admin, onglet="conservation").count() == 1
    reponse = client.post(url, {"motif": "  "})
    assert reponse.status_code == 400 and "Écrivez le motif" in reponse.content.decode()
    assert not GelLegal.objects.exists()
    assert client.post(url, {"motif": "Réquisition judiciaire"}).status_code == 302
    page = client.get(url).content.decode()
    assert "Gel en cours" in page and "Réquisition judiciaire" in page and "Lever le gel" in page
    assert "Motif de la levée" in page and "jugement rendu" in page  # pas l'aide du motif d'un gel à poser
    assert "réquisition judiciaire. Sans donnée" not in page
    assert client.post(url, {"motif": "Affaire classée"}).status_code == 302
    assert GelLegal.objects.get().motif_levee == "Affaire classée"
    client = connecter(equipe["referente"])
    assert client.get(url).status_code == 403


# --- Aucun texte libre oublié -------------------------------------------------------------------------------------

# Les champs texte gardés, et pourquoi.
GARDES = {
    ("Personne", "code_commune"): "territoire des statistiques (besoins, EPCI)",
    ("Statut", "valeur"): "une valeur de liste (publics des indicateurs)",
    ("ConsultationCarnet", "lecteur"): "le professionnel lecteur sans compte ; journal en ajout seul, purgé à 12 mois",
    ("ConsultationCarnet", "onglet"): "un code",
    ("ConsultationCarnet", "sections_sensibles"): "des codes (rqth, sante)",
    ("EvenementCarnet", "origine"): "le nom de la commande ou de la tâche qui a écrit",
    ("Diagnostic", "permis"): "des codes de permis",
    ("DecisionOrientation", "criteres"): "les codes et la cotation des critères",
    ("TransfertTerritoire", "departement_origine"): "territoire",
    ("TransfertTerritoire", "departement_accueil"): "territoire",
    ("ActivationEspace", "empreinte"): "l'empreinte d'un code d'activation",
    ("OrientationService", "besoin"): "une thématique de l'offre",
    ("AnonymisationCarnet", "commande"): "la trace : ce qui a lancé l'anonymisation",
}
# Les modèles du parcours qui ne tiennent pas le dossier d'une personne.
HORS_DOSSIER = {
    "Theme", "ObjectifReferentiel", "ActionReferentiel", "Domaine", "Situation", "AppellationRome",
    "EquipePluridisciplinaire", "MembreEquipe", "SeanceEquipe", "Evaluation", "ModeleCorrespondance",
    "ImportPersonnes", "ParametresTerritoire",
}  # fmt: skip


def test_chaque_champ_texte_d_un_dossier_est_efface_ou_garde_pour_une_raison_dite():
    from django.apps import apps
    from django.db import models

    traites = {(m.__name__, f) for m, _, champs in conservation.TEXTES_LIBRES + conservation.JSON_VIDES for f in champs}
    identite = {"nom", "prenom", "lieu_naissance", "email", "telephone", "adresse", "code_postal", "commune"}
    identite |= {"identifiant_departement", "numero_caf_msa", "identifiant_france_travail"}
    identite |= {"nir_chiffre", "nir_empreinte"}
    traites |= {("Personne", f) for f in identite} | {
        ("ActivationEspace", "email"),
        ("ActivationEspace", "identifiant"),
    }
    oublies = []
    for modele in apps.get_app_config("parcours").get_models():
        if modele.__name__ in HORS_DOSSIER:
            continue
        for champ in modele._meta.fields:
            texte = isinstance(champ, models.CharField | models.TextField | models.JSONField)
            if texte and not champ.choices and not isinstance(champ, models.UUIDField):
                cle = (modele.__name__, champ.name)
                if cle not in traites and cle not in GARDES:
                    oublies.append(cle)
    assert oublies == []
    for modele, _, champs in conservation.TEXTES_LIBRES:
        for champ in champs:
            assert isinstance(modele._meta.get_field(champ), models.CharField | models.TextField), (modele, champ)


def test_les_etudes_de_situation_en_comite_perdent_leurs_textes(db, time_machine):
    """La gouvernance garde des textes sur la personne (études de situation) : le signal `carnets_anonymises` les
    efface dans la même transaction."""
    from gouvernance.models import EtudeSituation
    from tests.gouvernance.test_etudes_decor import SITUATION, decor_etudes, soumettre

    time_machine.move_to(instant(date(2025, 6, 2)), tick=False)
    decor = decor_etudes()
    etude = soumettre(decor)
    assert etude.initiales and EtudeSituation.objects.get().situation == SITUATION
    time_machine.move_to(instant(JOUR, 2), tick=False)
    assert decor.carnet.pk in conservation.anonymiser_dossiers(executer=True, par="test")
    etude = EtudeSituation.objects.get()
    assert (etude.initiales, etude.situation, etude.question) == ("", conservation.EFFACE, conservation.EFFACE)
    assert etude.recommandation == "" and etude.numero == 1
