"""Équipes pluridisciplinaires : les pages (listes, séance, formulaires), ce que voit un membre de l'équipe (le seul
résumé), les refus, et le nombre de requêtes des listes."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.models import (
    ConsultationCarnet,
    DossierEquipe,
    EquipePluridisciplinaire,
    EvenementCarnet,
    Manquement,
    SeanceEquipe,
)
from parcours.services import ouvrir_carnet
from tests.parcours.equipes_fabriques import (
    Qualite,
    decor,
    dossier_equipe,
    equipe_pluridisciplinaire,
    membre_equipe,
    seance_equipe,
)

RESUME = "Suivi social depuis 2023 ; projet de formation prêt."


@pytest.fixture
def d(equipe):
    return decor(equipe)


def _texte(reponse) -> str:
    return reponse.content.decode()


# --- Listes --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("qui", ["pilote", "charge", "admin", "representante"])
def test_les_gestionnaires_et_les_membres_voient_l_equipe_dans_la_liste(client, connecter, d, qui):
    connecter(d[qui])
    reponse = client.get(reverse("parcours:equipes"))
    assert reponse.status_code == 200
    assert "EP du Pays dacquois" in _texte(reponse)


@pytest.mark.parametrize("qui", ["referente", "conseiller", "pilote_64", "professionnel_departement"])
def test_les_autres_ne_la_voient_pas(client, connecter, d, qui):
    connecter(d[qui])
    assert "EP du Pays dacquois" not in _texte(client.get(reverse("parcours:equipes")))
    assert client.get(reverse("parcours:equipe", args=[d["ep"].uuid])).status_code == 404


def test_un_membre_voit_l_equipe_sans_pouvoir_la_tenir(client, connecter, d):
    connecter(d["representante"])
    reponse = client.get(reverse("parcours:equipe", args=[d["ep"].uuid]))
    assert reponse.status_code == 200
    assert "Programmer une séance" not in _texte(reponse)
    assert client.get(reverse("parcours:equipe_modifier", args=[d["ep"].uuid])).status_code == 403
    assert client.get(reverse("parcours:equipe_seance_creer", args=[d["ep"].uuid])).status_code == 403


def _equipes(d, nombre):
    for numero in range(nombre):
        ep = equipe_pluridisciplinaire(d["porteur"], d["pilote"], nom=f"EP n° {numero}")
        membre_equipe(ep, Qualite.PROFESSIONNEL, "Ancien membre", date_fin=timezone.localdate() - timedelta(days=1))


@pytest.mark.parametrize("nombre", [1, 30])
def test_la_liste_des_equipes_tient_en_un_nombre_fixe_de_requetes(
    client, connecter, d, django_assert_num_queries, nombre
):
    _equipes(d, nombre - 1)  # avec celle du décor
    connecter(d["pilote"])
    with django_assert_num_queries(11):
        reponse = client.get(reverse("parcours:equipes"))
    assert reponse.context["page"].paginator.count == nombre
    assert len(reponse.context["page"].object_list) == min(nombre, 25)


def test_la_liste_compte_les_membres_en_fonction(client, connecter, d):
    _equipes(d, 1)
    connecter(d["pilote"])
    page = client.get(reverse("parcours:equipes")).context["page"]
    assert {equipe.nom: equipe.nombre_membres for equipe in page.object_list} == {
        "EP du Pays dacquois": 3,
        "EP n° 0": 2,  # les deux de sa composition ; l'ancien membre ne compte plus
    }


@pytest.mark.parametrize("nombre", [1, 30])
def test_la_page_de_l_equipe_et_ses_seances_tiennent_en_un_nombre_fixe_de_requetes(
    client, connecter, d, django_assert_num_queries, nombre
):
    for jour in range(nombre):
        seance = seance_equipe(d["ep"], d["pilote"], dans_jours=jour - 10)
        dossier_equipe(seance, d["carnet"], d["referente"])
    connecter(d["pilote"])
    with django_assert_num_queries(13):
        reponse = client.get(reverse("parcours:equipe", args=[d["ep"].uuid]))
    assert len(reponse.context["page"].object_list) == min(nombre, 20)
    assert reponse.context["page"].object_list[0].nombre_dossiers == 1


# --- La séance : le résumé, rien d'autre du carnet ------------------------------------------------------------------


@pytest.fixture
def seance(d):
    seance = seance_equipe(d["ep"], d["pilote"], dans_jours=-1)
    dossier_equipe(seance, d["carnet"], d["referente"], resume=RESUME)
    return seance


def test_le_membre_voit_le_nom_le_motif_et_le_resume_jamais_le_carnet(client, connecter, d, seance):
    connecter(d["representante"])
    reponse = client.get(reverse("parcours:equipe_seance", args=[seance.uuid]))
    texte = _texte(reponse)
    assert reponse.status_code == 200
    assert "Inès LALANNE – Réorientation" in texte
    assert RESUME in texte
    assert str(d["carnet"].uuid) not in texte
    assert "Saisir l'avis" not in texte
    assert client.get(reverse("parcours:carnet", args=[d["carnet"].uuid])).status_code == 404


def test_le_gestionnaire_saisit_l_avis_depuis_la_seance(client, connecter, d, seance):
    dossier = seance.dossiers.get()
    connecter(d["admin"])
    assert "Saisir l'avis" in _texte(client.get(reverse("parcours:equipe_seance", args=[seance.uuid])))
    reponse = client.post(
        reverse("parcours:equipe_avis", args=[dossier.uuid]), {"avis": "favorable", "motif_avis": "Projet réaliste."}
    )
    assert reponse.status_code == 302
    assert reponse.url == reverse("parcours:equipe_seance", args=[seance.uuid])
    dossier.refresh_from_db()
    assert dossier.avis == "favorable"


def test_le_membre_ne_saisit_pas_l_avis(client, connecter, d, seance):
    dossier = seance.dossiers.get()
    connecter(d["representante"])
    reponse = client.post(
        reverse("parcours:equipe_avis", args=[dossier.uuid]), {"avis": "favorable", "motif_avis": "Oui."}
    )
    assert reponse.status_code == 403
    assert not EvenementCarnet.objects.filter(type=EvenementCarnet.Type.EQUIPE_AVIS).exists()


def test_un_avis_avant_la_seance_est_refuse_avec_son_message(client, connecter, d):
    dossier = dossier_equipe(seance_equipe(d["ep"], d["pilote"]), d["carnet"], d["referente"])
    connecter(d["pilote"])
    reponse = client.post(
        reverse("parcours:equipe_avis", args=[dossier.uuid]), {"avis": "favorable", "motif_avis": "x"}
    )
    assert reponse.status_code == 400
    assert "L&#x27;avis se saisit une fois la séance commencée." in _texte(reponse)


def test_la_decision_rappelle_de_passer_par_la_file_d_orientation(client, connecter, d, seance):
    dossier = seance.dossiers.get()
    DossierEquipe.objects.filter(pk=dossier.pk).update(avis="favorable", motif_avis="Oui.")
    connecter(d["charge"])
    page = _texte(client.get(reverse("parcours:equipe_seance", args=[seance.uuid])))
    assert "Enregistrer la décision" in page
    reponse = client.post(
        reverse("parcours:equipe_decision", args=[dossier.uuid]),
        {"decision": "reorientation", "motif_decision": "Suivant l'avis."},
        follow=True,
    )
    texte = _texte(reponse)
    assert "Enregistrez maintenant la décision d&#x27;orientation dans la file d&#x27;orientation." in texte
    assert reverse("parcours:orientation_file") in texte
    assert "Réorientation décidée le" in texte


def test_la_decision_d_un_manquement_se_lit_sans_se_saisir_ici(client, connecter, d):
    from tests.parcours.sanctions_fabriques import manquement_avis_envoye

    seance = seance_equipe(d["ep"], d["pilote"], dans_jours=-1)
    dossier_equipe(
        seance,
        d["carnet"],
        d["referente"],
        motif=DossierEquipe.Motif.MANQUEMENT,
        manquement=manquement_avis_envoye(d["carnet"], d["referente"]),
        avis="favorable",
    )
    connecter(d["pilote"])
    texte = _texte(client.get(reverse("parcours:equipe_seance", args=[seance.uuid])))
    assert "à prendre dans la procédure de sanction du manquement" in texte
    assert "Enregistrer la décision" not in texte


def test_la_lecture_de_la_seance_est_notee_dans_le_journal_de_chaque_carnet(client, connecter, d, seance):
    """Le membre de l'équipe voit le nom et le résumé : sa lecture est notée, au nom de son organisation."""
    deuxieme = ouvrir_carnet(
        acteur=d["referente"], organisation=d["departement"], nom="Bordes", prenom="Jean", date_naissance="1975-02-01"
    )
    dossier_equipe(seance, deuxieme, d["referente"])
    connecter(d["representante"])
    assert client.get(reverse("parcours:equipe_seance", args=[seance.uuid])).status_code == 200
    association = d["representante"].membres.get().organisation
    assert sorted(
        ConsultationCarnet.objects.filter(utilisateur=d["representante"]).values_list(
            "carnet", "organisation", "onglet"
        )
    ) == sorted([(d["carnet"].pk, association.pk, "equipe"), (deuxieme.pk, association.pk, "equipe")])


@pytest.mark.parametrize(("page", "qui"), [("parcours:equipe_avis", "admin"), ("parcours:equipe_decision", "charge")])
def test_la_page_d_un_dossier_note_sa_lecture_pas_son_envoi(client, connecter, d, seance, page, qui):
    dossier = seance.dossiers.get()
    DossierEquipe.objects.filter(pk=dossier.pk).update(avis="favorable", motif_avis="Oui.")
    connecter(d[qui])
    url = reverse(page, args=[dossier.uuid])
    assert client.get(url).status_code == 200
    client.post(url, {})  # formulaire incomplet : la page revient, sans nouvelle consultation notée
    assert list(ConsultationCarnet.objects.filter(utilisateur=d[qui]).values_list("carnet", "onglet")) == [
        (d["carnet"].pk, "equipe")
    ]


def test_un_membre_ne_lit_pas_les_seances_tenues_hors_de_son_mandat(client, connecter, d, seance):
    """La représentante siège depuis le 1er janvier 2020 ; arrivée le lendemain de la séance d'hier, elle ne la voit
    plus (ni dans la liste des séances, ni sa page, ni ses dossiers) ; les gestionnaires, si."""
    siege = d["ep"].membres.get(utilisateur=d["representante"])
    siege.date_debut = timezone.localdate()
    siege.save()
    a_venir = seance_equipe(d["ep"], d["pilote"], dans_jours=3)
    connecter(d["representante"])
    assert client.get(reverse("parcours:equipe_seance", args=[seance.uuid])).status_code == 404
    assert client.get(reverse("parcours:equipe_seance", args=[a_venir.uuid])).status_code == 200
    page = client.get(reverse("parcours:equipe", args=[d["ep"].uuid])).context["page"]
    assert list(page.object_list) == [a_venir]
    assert not ConsultationCarnet.objects.filter(utilisateur=d["representante"]).exists()
    connecter(d["pilote"])
    assert client.get(reverse("parcours:equipe_seance", args=[seance.uuid])).status_code == 200


def test_un_membre_ne_lit_pas_les_seances_d_apres_la_fin_de_son_mandat(client, connecter, d):
    from parcours.equipes import regles

    siege = d["ep"].membres.get(utilisateur=d["representante"])
    siege.date_fin = timezone.localdate() + timedelta(days=2)
    siege.save()
    pendant, apres = (
        seance_equipe(d["ep"], d["pilote"], dans_jours=2),
        seance_equipe(d["ep"], d["pilote"], dans_jours=3),
    )
    assert list(regles.seances_visibles(d["representante"]).order_by("date_heure")) == [pendant]
    assert set(regles.seances_visibles(d["pilote"])) == {pendant, apres}


def test_l_equipe_lit_la_decision_de_sanction_en_clair_sans_son_motif(client, connecter, d):
    from tests.parcours.sanctions_fabriques import manquement_avis_envoye

    seance = seance_equipe(d["ep"], d["pilote"], dans_jours=-1)
    faute = manquement_avis_envoye(
        d["carnet"], d["referente"], avis_envoye_le=timezone.localdate() - timedelta(days=20)
    )
    dossier_equipe(
        seance, d["carnet"], d["referente"], motif=DossierEquipe.Motif.MANQUEMENT, manquement=faute, avis="favorable"
    )
    from parcours.sanctions import services as sanctions

    sanctions.decider(
        faute,
        acteur=d["charge"],
        decision="suspension",
        decide_le=timezone.localdate(),
        motif="Motivation détaillée réservée au dossier de sanction.",
        taux=50,
        duree=2,
        personnes_foyer=1,
    )
    connecter(d["representante"])
    texte = _texte(client.get(reverse("parcours:equipe_seance", args=[seance.uuid])))
    assert "Suspension du RSA de 50 % pendant 2 mois" in texte
    assert "Motivation détaillée" not in texte


def test_un_manquement_decide_sans_l_avis_ne_l_attend_plus(client, connecter, d):
    from tests.parcours.sanctions_fabriques import manquement_avis_envoye

    seance = seance_equipe(d["ep"], d["pilote"], dans_jours=-1)
    faute = manquement_avis_envoye(
        d["carnet"],
        d["referente"],
        statut=Manquement.Statut.DECIDE,
        decision="sans_sanction",
        decide_le=timezone.localdate(),
    )
    dossier_equipe(seance, d["carnet"], d["referente"], motif=DossierEquipe.Motif.MANQUEMENT, manquement=faute)
    connecter(d["admin"])
    texte = _texte(client.get(reverse("parcours:equipe_seance", args=[seance.uuid])))
    assert "manquement déjà décidé dans la procédure de sanction" in texte
    assert "Saisir l'avis" not in texte


def test_le_pilote_ne_decide_pas(client, connecter, d, seance):
    dossier = seance.dossiers.get()
    DossierEquipe.objects.filter(pk=dossier.pk).update(avis="favorable", motif_avis="Oui.")
    connecter(d["pilote"])
    assert "Enregistrer la décision" not in _texte(client.get(reverse("parcours:equipe_seance", args=[seance.uuid])))
    assert client.get(reverse("parcours:equipe_decision", args=[dossier.uuid])).status_code == 403


@pytest.mark.parametrize("nombre", [1, 30])
def test_la_seance_tient_en_un_nombre_fixe_de_requetes(client, connecter, d, django_assert_num_queries, nombre):
    seance = seance_equipe(d["ep"], d["pilote"], dans_jours=-1)
    for numero in range(nombre):
        carnet = ouvrir_carnet(
            acteur=d["referente"],
            organisation=d["departement"],
            nom=f"Personne{numero}",
            prenom="Eva",
            date_naissance="1990-01-01",
        )
        dossier_equipe(seance, carnet, d["referente"])
    connecter(d["pilote"])
    with django_assert_num_queries(12):  # dont les consultations notées, en une requête
        reponse = client.get(reverse("parcours:equipe_seance", args=[seance.uuid]))
    assert len(reponse.context["dossiers"]) == nombre
    assert ConsultationCarnet.objects.filter(utilisateur=d["pilote"], onglet="equipe").count() == nombre


# --- Formulaires ---------------------------------------------------------------------------------------------------


def test_creer_une_equipe_par_la_page(client, connecter, d):
    connecter(d["pilote"])
    reponse = client.post(
        reverse("parcours:equipe_creer"),
        {"nom": "EP de la Chalosse", "secteur": "Hagetmau", "organisation": str(d["porteur"].uuid)},
    )
    ep = EquipePluridisciplinaire.objects.get(nom="EP de la Chalosse")
    assert reponse.url == reverse("parcours:equipe", args=[ep.uuid])


def test_desactiver_l_equipe_par_la_page(client, connecter, d):
    connecter(d["charge"])
    reponse = client.post(reverse("parcours:equipe_modifier", args=[d["ep"].uuid]), {"nom": "EP du Pays dacquois"})
    assert reponse.status_code == 302
    d["ep"].refresh_from_db()
    assert not d["ep"].active


def test_la_seance_sans_representant_dit_pourquoi(client, connecter, d):
    ep = equipe_pluridisciplinaire(d["porteur"], d["pilote"], nom="EP incomplète", composee=False)
    membre_equipe(ep, Qualite.PROFESSIONNEL, "Paul Lafitte")
    connecter(d["pilote"])
    quand = (timezone.localtime() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    reponse = client.post(reverse("parcours:equipe_seance_creer", args=[ep.uuid]), {"date_heure": quand})
    assert reponse.status_code == 400
    assert "il manque représentant des bénéficiaires du rsa" in _texte(reponse)
    assert not SeanceEquipe.objects.filter(equipe=ep).exists()


def test_ajouter_puis_terminer_un_membre_par_les_pages(client, connecter, d):
    connecter(d["admin"])
    reponse = client.post(
        reverse("parcours:equipe_membre_ajouter", args=[d["ep"].uuid]),
        {
            "qualite": "professionnel",
            "nom_complet": "Marc Dupin",
            "structure": "",
            "email_compte": "",
            "date_debut": "2026-01-05",
        },
    )
    assert reponse.status_code == 302
    nouveau = d["ep"].membres.get(nom_complet="Marc Dupin")
    reponse = client.post(
        reverse("parcours:equipe_membre_terminer", args=[d["ep"].uuid, nouveau.uuid]), {"date_fin": "2026-06-30"}
    )
    assert reponse.status_code == 302
    nouveau.refresh_from_db()
    assert str(nouveau.date_fin) == "2026-06-30"


def test_le_membre_d_une_autre_equipe_est_introuvable(client, connecter, d):
    autre = equipe_pluridisciplinaire(d["porteur"], d["pilote"], nom="Autre EP")
    connecter(d["pilote"])
    url = reverse("parcours:equipe_membre_terminer", args=[d["ep"].uuid, autre.membres.first().uuid])
    assert client.get(url).status_code == 404


def test_inscrire_un_dossier_depuis_le_carnet(client, connecter, d):
    seance = seance_equipe(d["ep"], d["pilote"])
    connecter(d["referente"])
    url = reverse("parcours:equipe_inscrire", args=[d["carnet"].uuid])
    assert "EP du Pays dacquois" in _texte(client.get(url))
    reponse = client.post(url, {"seance": str(seance.uuid), "motif": "reorientation", "resume": RESUME})
    assert reponse.status_code == 302
    assert seance.dossiers.get().resume == RESUME


def test_sans_seance_a_venir_la_page_le_dit(client, connecter, d):
    connecter(d["referente"])
    texte = _texte(client.get(reverse("parcours:equipe_inscrire", args=[d["carnet"].uuid])))
    assert "Aucune séance à venir d'une équipe pluridisciplinaire du territoire du carnet" in texte


def test_un_collegue_qui_ne_modifie_pas_le_carnet_n_inscrit_rien(client, connecter, d):
    connecter(d["collegue_ft"])
    assert client.get(reverse("parcours:equipe_inscrire", args=[d["carnet"].uuid])).status_code == 403


def test_un_membre_voit_ses_collegues_en_fonction_le_gestionnaire_aussi_l_histoire(client, connecter, d):
    membre_equipe(d["ep"], Qualite.PROFESSIONNEL, "Ancien Membre", date_fin=timezone.localdate() - timedelta(days=1))
    url = reverse("parcours:equipe", args=[d["ep"].uuid])
    connecter(d["representante"])
    assert [m.nom_complet for m in client.get(url).context["membres"]] == [
        "Paul Lafitte",
        "Léa Membre",
        "Rose Darrigade",
    ]
    connecter(d["pilote"])
    texte = _texte(client.get(url))
    assert "Ancien Membre" in texte
    assert "terminé" in texte
