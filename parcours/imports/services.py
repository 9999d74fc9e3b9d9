"""Le parcours d'un import de personnes : téléverser, faire correspondre les colonnes, analyser (aperçu), confirmer,
exécuter (tout ou rien), rendre compte, purger le fichier.

L'analyse et l'import tournent dans un worker (`taches.py`) ; la ligne `ImportPersonnes` porte l'état et la
progression que la page relit. Rien n'est écrit dans les carnets avant la confirmation ; l'import relit le fichier et
refait l'analyse dans sa transaction (la base a pu changer depuis l'aperçu) : une erreur, une panne, et rien n'est
écrit."""

import csv
import io
import logging
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from parcours.imports import analyse, ecriture, lecture
from parcours.imports import regles as regles_imports
from parcours.imports.champs import CHAMPS, PAR_CODE, suggerer
from parcours.models import ImportPersonnes, ModeleCorrespondance
from partenaires import permissions

journal = logging.getLogger(__name__)
Statut = ImportPersonnes.Statut
REFUS = "Seuls les administrateurs et les chargés d'orientation de l'organisation importent des personnes."
EN_COURS = (Statut.ANALYSE_EN_COURS, Statut.IMPORT_EN_COURS)
FINIS = (Statut.TERMINE, Statut.ECHEC, Statut.ABANDONNE)
RESULTATS = {"creees": "créée", "mises_a_jour": "mise à jour", "inchangees": "inchangée"}


def _exiger(acteur, organisation) -> None:
    permissions.require(regles_imports.can_import(acteur, organisation), REFUS)


def _verrouiller(import_personnes) -> ImportPersonnes:
    return ImportPersonnes.objects.select_for_update().select_related("organisation").get(pk=import_personnes.pk)


@transaction.atomic
def televerser(*, acteur, organisation, fichier) -> ImportPersonnes:
    """Lit le fichier (format, encodage, séparateur, en-têtes, lignes), le range par l'API de stockage et propose
    une correspondance des colonnes d'après leurs en-têtes. Un fichier illisible n'écrit rien."""
    _exiger(acteur, organisation)
    if fichier.size > lecture.TAILLE_MAX:
        raise ValidationError(
            f"Le fichier pèse {fichier.size / 1024 / 1024:.1f} Mo : la limite est de "
            f"{lecture.TAILLE_MAX // 1024 // 1024} Mo. Découpez-le en plusieurs fichiers."
        )
    contenu = fichier.read()
    nom = PurePath(fichier.name or "fichier").name[:200]
    lu = lecture.lire(nom, contenu)
    import_personnes = ImportPersonnes(
        organisation=organisation,
        demandeur=acteur,
        nom_fichier=nom,
        format=lu.format,
        encodage=lu.encodage,
        separateur=lu.separateur,
        colonnes=lu.colonnes,
        correspondance=suggerer(lu.colonnes),
        nb_lignes=len(lu.lignes),
    )
    # Le nom rangé ne dit rien de la personne ni de l'organisation ; un XLSX est rangé en CSV (relu vite ensuite).
    a_ranger = contenu if lu.format == "csv" else lecture.en_csv(lu)
    import_personnes.fichier.save(f"{import_personnes.uuid}.csv", ContentFile(a_ranger), save=False)
    import_personnes.save()
    return import_personnes


def _nettoyer(correspondance: dict, colonnes: list[str]) -> dict[str, str]:
    propre = {champ: colonne for champ, colonne in correspondance.items() if champ in PAR_CODE and colonne}
    erreurs = {}
    deja: dict[str, str] = {}
    for champ, colonne in propre.items():
        if colonne not in colonnes:
            erreurs[champ] = "Cette colonne n'existe pas dans le fichier."
        elif colonne in deja:
            erreurs[champ] = f"La colonne « {colonne} » est déjà reliée à « {PAR_CODE[deja[colonne]].libelle} »."
        else:
            deja[colonne] = champ
    for libelle in analyse.colonnes_manquantes(propre, colonnes):
        champ = next(c for c in PAR_CODE.values() if c.libelle == libelle).code
        erreurs.setdefault(champ, f"Obligatoire : choisissez la colonne du fichier qui donne « {libelle} ».")
    if erreurs:
        raise ValidationError(erreurs)
    return propre


@transaction.atomic
def lancer_analyse(import_personnes, *, acteur, correspondance: dict, nom_modele: str = "") -> ImportPersonnes:
    """Enregistre la correspondance des colonnes (et, si nommé, le modèle de correspondance de l'organisation),
    puis confie l'analyse à un worker."""
    from parcours.imports.taches import analyser_import

    import_personnes = _verrouiller(import_personnes)
    _exiger(acteur, import_personnes.organisation)
    if import_personnes.statut not in (Statut.TELEVERSE, Statut.ANALYSE):
        raise ValidationError("Cet import n'attend plus de correspondance de colonnes.")
    propre = _nettoyer(correspondance, import_personnes.colonnes)
    nom_modele = nom_modele.strip()[:100]
    if nom_modele:
        ModeleCorrespondance.objects.update_or_create(
            organisation=import_personnes.organisation,
            nom=nom_modele,
            defaults={"correspondance": propre, "cree_par": acteur, "date_creation": timezone.now()},
        )
    import_personnes.correspondance = propre
    import_personnes.statut = Statut.ANALYSE_EN_COURS
    import_personnes.progression = 0
    import_personnes.erreurs, import_personnes.nb_valides, import_personnes.nb_erreurs = [], 0, 0
    import_personnes.save(
        update_fields=["correspondance", "statut", "progression", "erreurs", "nb_valides", "nb_erreurs"]
    )
    transaction.on_commit(lambda: analyser_import.delay(import_personnes.pk))
    return import_personnes


def _contexte(import_personnes) -> analyse.Contexte:
    emails = import_personnes.organisation.membres.actifs().values_list("utilisateur__email", flat=True)
    return analyse.Contexte(aujourd_hui=timezone.localdate(), emails_referents={e.lower() for e in emails})


def tableau(import_personnes) -> lecture.Tableau:
    if not import_personnes.fichier:
        raise ValidationError("Le fichier n'est plus disponible : téléversez-le de nouveau.")
    try:
        with import_personnes.fichier.open("rb") as fichier:
            contenu = fichier.read()
    except OSError as erreur:
        raise ValidationError("Le fichier n'est plus disponible : téléversez-le de nouveau.") from erreur
    return lecture.lire(import_personnes.fichier.name, contenu)


def _avancer(import_personnes, statut, pourcentage: int) -> None:
    """La progression, écrite hors de toute transaction pour que la page la voie."""
    ImportPersonnes.objects.filter(pk=import_personnes.pk, statut=statut).update(progression=pourcentage)


def purger_fichier(import_personnes) -> None:
    if import_personnes.fichier:
        import_personnes.fichier.delete(save=False)
        ImportPersonnes.objects.filter(pk=import_personnes.pk).update(fichier="")


def _echouer(import_personnes, statut_attendu, message: str) -> None:
    ImportPersonnes.objects.filter(pk=import_personnes.pk, statut=statut_attendu).update(
        statut=Statut.ECHEC, message_erreur=message[:500], progression=100, date_fin=timezone.now()
    )
    purger_fichier(import_personnes)


def analyser(import_id: int) -> None:
    """Corps de la tâche d'analyse : valide chaque ligne, la rapproche des personnes connues, garde les erreurs
    par ligne et par cellule. N'écrit rien d'autre que l'état de l'import ; rejouée, elle refait la même analyse."""
    import_personnes = ImportPersonnes.objects.select_related("organisation").filter(pk=import_id).first()
    if import_personnes is None or import_personnes.statut != Statut.ANALYSE_EN_COURS:
        return
    statut = Statut.ANALYSE_EN_COURS
    try:
        donnees = tableau(import_personnes)
        lignes = analyse.valider(
            donnees,
            import_personnes.correspondance,
            _contexte(import_personnes),
            lambda pourcentage: _avancer(import_personnes, statut, pourcentage),
        )
        analyse.rapprocher(lignes, import_personnes.organisation)
    except ValidationError as erreur:
        _echouer(import_personnes, statut, " ".join(erreur.messages))
        return
    except Exception:
        journal.exception("Analyse de l'import de personnes %s interrompue", import_id)
        _echouer(import_personnes, statut, "L'analyse s'est interrompue sur une erreur technique. Réessayez plus tard.")
        return
    erreurs = [ligne.en_json() for ligne in lignes if not ligne.valide]
    ImportPersonnes.objects.filter(pk=import_id, statut=statut).update(
        statut=Statut.ANALYSE,
        progression=100,
        nb_lignes=len(lignes),
        nb_valides=len(lignes) - len(erreurs),
        nb_erreurs=len(erreurs),
        erreurs=erreurs,
    )


@transaction.atomic
def confirmer(import_personnes, *, acteur, valides_seulement: bool = False) -> ImportPersonnes:
    """La confirmation : sans elle rien n'est écrit. Un fichier avec des erreurs ne s'importe que si l'utilisateur
    a choisi de n'importer que les lignes valides."""
    from parcours.imports.taches import executer_import

    import_personnes = _verrouiller(import_personnes)
    _exiger(acteur, import_personnes.organisation)
    if import_personnes.statut != Statut.ANALYSE:
        raise ValidationError("Cet import n'est pas prêt à être confirmé.")
    if import_personnes.nb_valides == 0:
        raise ValidationError("Aucune ligne n'est valide : corrigez le fichier puis téléversez-le de nouveau.")
    if import_personnes.nb_erreurs and not valides_seulement:
        raise ValidationError(
            f"{import_personnes.nb_erreurs} ligne{'s' if import_personnes.nb_erreurs > 1 else ''} en erreur : "
            "corrigez le fichier et téléversez-le de nouveau, ou cochez « n'importer que les lignes valides »."
        )
    import_personnes.statut = Statut.IMPORT_EN_COURS
    import_personnes.progression = 0
    import_personnes.importer_valides_seulement = valides_seulement
    import_personnes.date_confirmation = timezone.now()
    import_personnes.demandeur = acteur  # celui qui confirme agit : il signe les événements des carnets
    import_personnes.save(
        update_fields=["statut", "progression", "importer_valides_seulement", "date_confirmation", "demandeur"]
    )
    transaction.on_commit(lambda: executer_import.delay(import_personnes.pk))
    return import_personnes


def executer(import_id: int) -> None:
    """Corps de la tâche d'import. Relit le fichier, refait l'analyse et écrit tout dans une seule transaction,
    qui marque aussi l'import terminé : une panne n'importe rien, une tâche rejouée après le commit ne refait rien."""
    statut = Statut.IMPORT_EN_COURS
    import_personnes = ImportPersonnes.objects.select_related("organisation").filter(pk=import_id).first()
    if import_personnes is None or import_personnes.statut != statut:
        return
    try:
        donnees = tableau(import_personnes)
        lignes = analyse.valider(
            donnees,
            import_personnes.correspondance,
            _contexte(import_personnes),
            lambda pourcentage: _avancer(import_personnes, statut, pourcentage),
        )
        _avancer(import_personnes, statut, 60)
        with transaction.atomic():
            verrouille = _verrouiller(import_personnes)
            if verrouille.statut != statut:
                return
            if not regles_imports.can_import(verrouille.demandeur, verrouille.organisation):
                raise PermissionDenied(
                    "Vous n'avez plus le droit d'importer pour cette organisation : rien n'a été importé."
                )
            _ecrire(verrouille, lignes)
    except (ValidationError, PermissionDenied) as erreur:
        message = " ".join(erreur.messages) if isinstance(erreur, ValidationError) else str(erreur)
        _echouer(import_personnes, statut, message)
        return
    except Exception:
        journal.exception("Import de personnes %s interrompu", import_id)
        _echouer(
            import_personnes,
            statut,
            "L'import s'est interrompu sur une erreur technique : rien n'a été importé. Réessayez plus tard.",
        )
        return
    purger_fichier(import_personnes)


def _ecrire(import_personnes, lignes) -> None:
    trouvees = analyse.rapprocher(lignes, import_personnes.organisation)
    invalides = [ligne for ligne in lignes if not ligne.valide]
    if invalides and not import_personnes.importer_valides_seulement:
        raise ValidationError(
            f"{len(invalides)} ligne{'s' if len(invalides) > 1 else ''} en erreur depuis l'aperçu (la base a changé "
            "entre-temps) : rien n'a été importé. Relancez l'analyse."
        )
    valides = [ligne for ligne in lignes if ligne.valide]
    resultat = ecriture.ecrire(import_personnes, valides, trouvees, acteur=import_personnes.demandeur)
    import_personnes.statut = Statut.TERMINE
    import_personnes.progression = 100
    import_personnes.date_fin = timezone.now()
    import_personnes.nb_lignes, import_personnes.nb_valides = len(lignes), len(valides)
    import_personnes.nb_erreurs = len(invalides)
    import_personnes.erreurs = [ligne.en_json() for ligne in invalides]
    import_personnes.rapport = {
        "creees": resultat.creees,
        "mises_a_jour": resultat.mises_a_jour,
        "inchangees": resultat.inchangees,
    }
    import_personnes.save(
        update_fields=[
            "statut",
            "progression",
            "date_fin",
            "nb_lignes",
            "nb_valides",
            "nb_erreurs",
            "erreurs",
            "rapport",
        ]
    )


@transaction.atomic
def abandonner(import_personnes, *, acteur) -> ImportPersonnes:
    import_personnes = _verrouiller(import_personnes)
    _exiger(acteur, import_personnes.organisation)
    if import_personnes.statut in (*FINIS, Statut.IMPORT_EN_COURS):
        raise ValidationError("Cet import ne peut plus être abandonné.")
    import_personnes.statut = Statut.ABANDONNE
    import_personnes.date_fin = timezone.now()
    import_personnes.save(update_fields=["statut", "date_fin"])
    transaction.on_commit(lambda: purger_fichier(import_personnes))
    return import_personnes


def compte_rendu_csv(import_personnes) -> bytes:
    """Le compte rendu ligne à ligne (résultat, erreurs), en CSV lisible par un tableur français."""
    lignes: list[tuple[int, str, str]] = []
    for cle, libelle in RESULTATS.items():
        lignes += [(numero, libelle, "") for numero in import_personnes.rapport.get(cle, [])]
    for erreur in import_personnes.erreurs:
        messages = list(erreur["generales"])
        messages += [
            f"{champ.libelle} : {message}" for champ in CHAMPS for message in erreur["cellules"].get(champ.code, [])
        ]
        lignes.append((erreur["ligne"], "erreur (non importée)", " ; ".join(messages)))
    sortie = io.StringIO()
    ecrivain = csv.writer(sortie, delimiter=";")
    ecrivain.writerow(["Ligne du fichier", "Résultat", "Erreurs"])
    ecrivain.writerows(sorted(lignes))
    return ("\ufeff" + sortie.getvalue()).encode("utf-8")


def purger(*, avant, appliquer: bool) -> list[ImportPersonnes]:
    """Les fichiers des imports finis, et les imports laissés en plan avant la date donnée (abandonnés)."""
    finis = ImportPersonnes.objects.filter(statut__in=FINIS).exclude(fichier="")
    en_plan = ImportPersonnes.objects.filter(statut__in=(Statut.TELEVERSE, Statut.ANALYSE), date_creation__lt=avant)
    concernes = list(finis) + list(en_plan)
    if appliquer:
        for import_personnes in en_plan:
            ImportPersonnes.objects.filter(pk=import_personnes.pk, statut=import_personnes.statut).update(
                statut=Statut.ABANDONNE, date_fin=timezone.now()
            )
        for import_personnes in concernes:
            purger_fichier(import_personnes)
    return concernes
