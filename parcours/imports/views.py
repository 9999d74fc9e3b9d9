from pathlib import Path

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from parcours.imports import analyse, regles, services
from parcours.imports.champs import CHAMPS
from parcours.imports.forms import ConfirmationForm, CorrespondanceForm, TeleversementForm
from parcours.imports.lecture import LIGNES_MAX, TAILLE_MAX
from parcours.models import ImportPersonnes, ModeleCorrespondance
from spie.forms import reporter_erreurs
from spie.pagination import paginer

Statut = ImportPersonnes.Statut
MODELE_CSV = Path(__file__).resolve().parent / "modele_import_personnes.csv"
LIGNES_PAR_PAGE = 25


def liste(request):
    organisation = regles.organisation_pour_importer(request)
    imports = ImportPersonnes.objects.filter(organisation=organisation).select_related("demandeur")
    page, requete = paginer(request, imports)
    return render(request, "parcours/imports/liste.html", {"page": page, "requete": requete})


MARGE = 64 * 1024  # l'enveloppe multipart autour du fichier


class TailleLimitee(FileUploadHandler):
    """Cesse de recevoir un envoi plus gros que la limite, sans l'écrire nulle part (un fichier de 100 Mo est
    refusé sans remplir le disque)."""

    trop_gros = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.trop_gros = content_length > TAILLE_MAX + MARGE

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        if self.trop_gros:
            raise StopUpload(connection_reset=False)

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > TAILLE_MAX:
            self.trop_gros = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


@csrf_exempt
def televerser(request):
    """Le gestionnaire d'envoi se pose avant que la protection CSRF ne lise le corps ; elle s'applique ensuite."""
    limite = TailleLimitee(request)
    request.upload_handlers.insert(0, limite)
    return _televerser(request, limite)


@csrf_protect
def _televerser(request, limite):
    organisation = regles.organisation_pour_importer(request)
    form = TeleversementForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and limite.trop_gros:
        form = TeleversementForm(request.POST, {})
        form.full_clean()
        message = f"Le fichier dépasse {TAILLE_MAX // 1024 // 1024} Mo : découpez-le en plusieurs fichiers."
        form.errors["fichier"] = form.error_class([message])
    elif request.method == "POST" and form.is_valid():
        try:
            import_personnes = services.televerser(
                acteur=request.user, organisation=organisation, fichier=form.cleaned_data["fichier"]
            )
        except ValidationError as erreur:
            reporter_erreurs(form, ValidationError({"fichier": erreur.messages}))
        else:
            messages.success(
                request, f"Fichier lu : {import_personnes.nb_lignes} lignes. Reliez maintenant ses colonnes."
            )
            return redirect("parcours:import_correspondance", import_personnes.uuid)
    contexte = {"form": form, "taille_max": TAILLE_MAX // 1024 // 1024, "lignes_max": LIGNES_MAX}
    return render(request, "parcours/imports/televerser.html", contexte, status=400 if form.errors else 200)


def modele(request):
    """Le modèle de fichier documenté (docs/import-personnes.md), à remplir dans un tableur."""
    return FileResponse(MODELE_CSV.open("rb"), as_attachment=True, filename="modele-import-personnes.csv")


def _modele_choisi(request, organisation):
    identifiant = request.GET.get("modele", "")
    if not identifiant.isdigit():
        return None
    return ModeleCorrespondance.objects.filter(organisation=organisation, pk=identifiant).first()


def correspondance(request, uuid):
    import_personnes = regles.get_import_for_user(request.user, uuid)
    if import_personnes.statut not in (Statut.TELEVERSE, Statut.ANALYSE):
        return redirect("parcours:import", import_personnes.uuid)
    organisation = import_personnes.organisation
    modeles = ModeleCorrespondance.objects.filter(organisation=organisation)
    choisi = _modele_choisi(request, organisation)
    initial = choisi.correspondance if choisi else import_personnes.correspondance
    initial = {champ: colonne for champ, colonne in initial.items() if colonne in import_personnes.colonnes}
    form = CorrespondanceForm(request.POST or None, initial=initial, colonnes=import_personnes.colonnes)
    if request.method == "POST" and form.is_valid():
        try:
            services.lancer_analyse(
                import_personnes,
                acteur=request.user,
                correspondance=form.correspondance(),
                nom_modele=form.cleaned_data["nom_modele"],
            )
        except ValidationError as erreur:
            reporter_erreurs(form, erreur)
        else:
            return redirect("parcours:import", import_personnes.uuid)
    contexte = {"import": import_personnes, "form": form, "modeles": modeles, "modele_choisi": choisi}
    return render(request, "parcours/imports/correspondance.html", contexte, status=400 if form.errors else 200)


def _affichable(champ: str, valeur: str) -> str:
    """Le NIR du fichier n'est jamais réaffiché : l'aperçu dit seulement qu'il est donné (ses erreurs suffisent)."""
    return "NIR donné (masqué)" if champ == "nir" and valeur.strip() else valeur


def _apercu(request, import_personnes) -> dict:
    """Une page de lignes du fichier, avec leurs erreurs par cellule et par ligne (relu depuis le stockage)."""
    par_ligne = {erreur["ligne"]: erreur for erreur in import_personnes.erreurs}
    filtre = request.GET.get("lignes", "erreurs" if par_ligne else "toutes")
    champs = [c for c in CHAMPS if c.code in import_personnes.correspondance]
    try:
        tableau = services.tableau(import_personnes)
    except ValidationError as erreur:
        return {"apercu_indisponible": " ".join(erreur.messages), "filtre": filtre, "champs": champs}
    lignes = [(n, c) for n, c in tableau.lignes if filtre != "erreurs" or n in par_ligne]
    page = Paginator(lignes, LIGNES_PAR_PAGE).get_page(request.GET.get("page"))
    rangees = []
    for numero, cellules in page.object_list:
        erreur = par_ligne.get(numero, {"cellules": {}, "generales": []})
        valeurs = analyse.brutes(tableau, import_personnes.correspondance, cellules)
        rangees.append(
            {
                "numero": numero,
                "cellules": [
                    {
                        "valeur": _affichable(c.code, valeurs.get(c.code, "")),
                        "erreurs": erreur["cellules"].get(c.code, []),
                    }
                    for c in champs
                ],
                "generales": erreur["generales"],
                "en_erreur": numero in par_ligne,
            }
        )
    return {
        "page": page,
        "requete": f"lignes={filtre}",
        "rangees": rangees,
        "champs": champs,
        "filtre": filtre,
        "apercu_indisponible": "",
    }


@never_cache
def detail(request, uuid):
    """L'import où il en est : attente (relue par htmx, ou par le lien « Actualiser »), aperçu à confirmer, compte
    rendu, échec."""
    import_personnes = regles.get_import_for_user(request.user, uuid)
    if import_personnes.statut == Statut.TELEVERSE:
        return redirect("parcours:import_correspondance", import_personnes.uuid)
    en_cours = import_personnes.statut in services.EN_COURS
    if request.htmx:
        if not en_cours:
            return HttpResponseClientRefresh()
        return render(request, "parcours/imports/includes/etat.html", {"import": import_personnes})
    contexte = {"import": import_personnes, "en_cours": en_cours}
    if import_personnes.statut == Statut.ANALYSE:
        contexte |= _apercu(request, import_personnes) | {"form": ConfirmationForm()}
    if import_personnes.statut == Statut.TERMINE:
        contexte["rapport"] = {cle: len(import_personnes.rapport.get(cle, [])) for cle in services.RESULTATS}
    return render(request, "parcours/imports/import.html", contexte)


@require_POST
def confirmer(request, uuid):
    import_personnes = regles.get_import_for_user(request.user, uuid)
    form = ConfirmationForm(request.POST)
    form.is_valid()
    try:
        services.confirmer(
            import_personnes, acteur=request.user, valides_seulement=form.cleaned_data.get("valides_seulement", False)
        )
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    return redirect("parcours:import", import_personnes.uuid)


@require_POST
def abandonner(request, uuid):
    import_personnes = regles.get_import_for_user(request.user, uuid)
    try:
        services.abandonner(import_personnes, acteur=request.user)
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
        return redirect("parcours:import", import_personnes.uuid)
    messages.success(request, "Import abandonné : rien n'a été importé et le fichier est supprimé.")
    return redirect("parcours:imports")


def rapport(request, uuid):
    import_personnes = regles.get_import_for_user(request.user, uuid)
    if import_personnes.statut != Statut.TERMINE:
        raise Http404("Le compte rendu n'existe qu'une fois l'import terminé.")
    reponse = HttpResponse(services.compte_rendu_csv(import_personnes), content_type="text/csv; charset=utf-8")
    reponse["Content-Disposition"] = f'attachment; filename="compte-rendu-import-{import_personnes.uuid}.csv"'
    return reponse
