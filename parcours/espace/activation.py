"""L'activation de l'espace personnel : le référent (ou tout professionnel qui peut modifier le carnet) invite la
personne par un lien envoyé par e-mail, ou lui remet en main propre un code imprimé ; la personne choisit son mot de
passe, son compte est créé (ou rouvert) et son espace ouvert.

Règles :
- sur un espace **ouvert**, une invitation réinitialise l'accès (nouveau mot de passe, voire nouvelle adresse) :
  seul le référent actif du carnet peut la donner ; quand elle sert, la personne en est prévenue (courriel à
  l'ancienne adresse du compte, s'il en a une, et avis à chaque connexion pendant 30 jours) ;
- une seule activation valable à la fois : une nouvelle invitation annule celles qui attendent ;
- valable 7 jours, une seule fois ; seule l'empreinte SHA-256 du jeton (ou du code) est gardée ;
- le code : 12 caractères d'un alphabet sans ambiguïté (ni 0/O, ni 1/I/L), affiché « XXXX-XXXX-XXXX » ; la saisie
  ignore la casse, les espaces et les tirets ;
- l'identifiant de connexion (pour un code) : « prenom.nom » sans accents suivi de 4 chiffres, unique ; une personne
  qui a déjà un compte avec un identifiant le garde ;
- le compte de la personne est toujours distinct d'un compte professionnel : une adresse e-mail déjà prise par un
  autre compte n'est jamais rattachée à l'espace.

Le courriel du lien part après le commit, directement dans le rappel `on_commit` qui garde le jeton en clair dans sa
fermeture : une tâche Celery ne reçoit que des identifiants, et le jeton ne doit passer ni par la base ni par le
courtier. Le prix : pas de nouvel essai automatique si l'envoi échoue (l'échec est journalisé ; le professionnel
renvoie un lien ou remet un code).
"""

import hashlib
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib import messages
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from parcours import permissions as regles
from parcours.models import ActivationEspace, Carnet, EspacePersonne, EvenementCarnet, Intervenant, Personne
from parcours.services import historiser, organisation_de_l_acteur
from partenaires import permissions
from partenaires.models import Utilisateur
from spie.liens import lien_absolu

journal = logging.getLogger(__name__)

DUREE_VALIDITE = timedelta(days=7)
# Ni 0/O, ni 1/I/L : un code recopié depuis une feuille imprimée.
ALPHABET_CODE = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LONGUEUR_CODE = 12
LONGUEUR_IDENTIFIANT = 40  # Utilisateur.identifiant
# Lettres minuscules sans accents, chiffres, point et tiret ; commence et finit par une lettre ou un chiffre.
FORME_IDENTIFIANT = re.compile(r"[a-z0-9](?:[a-z0-9.\-]*[a-z0-9])?")
# La personne voit l'avis de réinitialisation de son accès à chaque connexion pendant cette durée.
DUREE_AVIS_REINITIALISATION = timedelta(days=30)

CLASH_EMAIL = (
    "Cette adresse e-mail est déjà celle d'un autre compte de la plateforme (par exemple un compte professionnel). "
    "Les comptes sont distincts : remettez un code, ou corrigez l'adresse."
)
CODE_INCORRECT = (
    "L'identifiant ou le code ne correspond pas. Vérifiez la feuille remise par votre référent : "
    "le code compte 12 caractères."
)
LIEN_INCONNU = (
    "Ce lien ne fonctionne pas. Vérifiez qu'il est complet : cliquez sur le lien du courriel, ou copiez-le en entier."
)
COMPTE_PRIS = (
    "Cette adresse e-mail ou cet identifiant vient d'être pris par un autre compte. "
    "Demandez à votre référent de vous remettre un nouveau code d'activation."
)


# --- Aides pures --------------------------------------------------------------------------------------------


def empreinte(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def generer_jeton() -> str:
    return secrets.token_urlsafe(32)


def generer_code() -> str:
    return "".join(secrets.choice(ALPHABET_CODE) for _ in range(LONGUEUR_CODE))


def normaliser_code(saisie: str) -> str:
    """La saisie de la personne : majuscules, sans espaces ni tirets."""
    return "".join(c for c in (saisie or "").upper() if c not in " -\t")


def grouper_code(code: str) -> str:
    """« ABCDEFGHJKMN » → « ABCD-EFGH-JKMN »."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normaliser_identifiant(saisie: str) -> str:
    return (saisie or "").strip().lower()


def valider_identifiant(saisie: str) -> str:
    """L'identifiant normalisé s'il a une forme permise (au plus 40 caractères : lettres sans accents, chiffres,
    point, tiret) ; sinon `ValidationError`."""
    identifiant = normaliser_identifiant(saisie)
    if len(identifiant) > LONGUEUR_IDENTIFIANT:
        raise ValidationError(f"Un identifiant compte au plus {LONGUEUR_IDENTIFIANT} caractères.")
    if not FORME_IDENTIFIANT.fullmatch(identifiant):
        raise ValidationError(
            "Un identifiant ne contient que des lettres sans accents, des chiffres, des points et des tirets."
        )
    return identifiant


def base_identifiant(personne) -> str:
    """« Léa-Marie », « Du Pont » → « lea-marie.du-pont » (ASCII), assez court pour les 4 chiffres."""
    prenom = slugify(personne.prenom) or "personne"
    nom = slugify(personne.nom)
    base = f"{prenom}.{nom}" if nom else prenom
    return base[: LONGUEUR_IDENTIFIANT - 4].strip(".-")


def _identifiant_libre(identifiant: str, personne) -> bool:
    if Utilisateur.objects.filter(identifiant=identifiant).exists():
        return False
    attente = ActivationEspace.objects.en_attente().filter(identifiant=identifiant)
    return not attente.exclude(personne=personne).exists()


def proposer_identifiant(personne) -> str:
    """Un identifiant unique « prenom.nom1234 » (ni compte, ni invitation en cours d'une autre personne ne l'a)."""
    base = base_identifiant(personne)
    for _ in range(50):
        identifiant = f"{base}{secrets.randbelow(10_000):04d}"
        if _identifiant_libre(identifiant, personne):
            return identifiant
    raise ValidationError("Impossible de trouver un identifiant libre pour cette personne : réessayez.")


def _date(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y")


def etat_activation(activation, maintenant=None) -> str:
    """Le libellé d'une activation passée ou en cours, pour la liste du professionnel."""
    maintenant = maintenant or timezone.now()
    if activation.utilisee_le:
        return f"utilisée le {_date(activation.utilisee_le)}"
    if activation.annulee_le:
        return f"annulée le {_date(activation.annulee_le)}"
    if activation.expire_le <= maintenant:
        return f"expirée le {_date(activation.expire_le)}"
    return f"en attente, valable jusqu'au {_date(activation.expire_le)}"


# --- Lecture : l'état de l'espace pour le carnet (bloc de la page du carnet, page de gestion) --------------


@dataclass(frozen=True)
class EtatEspace:
    espace: EspacePersonne | None
    activation_en_cours: ActivationEspace | None

    @property
    def est_ouvert(self) -> bool:
        return self.espace is not None and self.espace.est_ouvert

    @property
    def libelle(self) -> str:
        """Une ligne : l'état, tel que le bloc du carnet l'affiche."""
        if self.est_ouvert:
            return f"Ouvert depuis le {_date(self.espace.ouvert_le)}"
        if self.activation_en_cours is not None:
            canal = "lien envoyé par e-mail" if self.activation_en_cours.canal == "lien" else "code remis"
            return f"Invitation en attente ({canal}) jusqu'au {_date(self.activation_en_cours.expire_le)}"
        if self.espace is not None:
            return f"Fermé le {_date(self.espace.ferme_le)}"
        return "Pas encore ouvert"


def etat_espace(carnet) -> EtatEspace:
    """L'espace de la personne du carnet (avec son compte) et l'invitation en cours : deux requêtes."""
    espace = EspacePersonne.objects.select_related("compte").filter(personne_id=carnet.personne_id).first()
    activation = (
        ActivationEspace.objects.en_attente().filter(personne_id=carnet.personne_id).order_by("-cree_le", "-id").first()
    )
    return EtatEspace(espace, activation)


def activations_de(carnet):
    """Les activations passées et en cours de la personne du carnet, la plus récente d'abord (une requête)."""
    return ActivationEspace.objects.filter(personne_id=carnet.personne_id).select_related("cree_par", "organisation")


# --- Professionnel : inviter, fermer --------------------------------------------------------------------------


def referent_du_carnet(carnet) -> Intervenant | None:
    """Le référent actif du carnet (avec son compte et son organisation), ou None."""
    return carnet.intervenants.referents().select_related("utilisateur", "organisation").first()


def qui_peut_reinitialiser(carnet) -> str:
    """La phrase qui dit qui peut réinitialiser l'accès d'un espace ouvert (page du professionnel, refus 403)."""
    referent = referent_du_carnet(carnet)
    if referent is None:
        return (
            "L'espace de la personne est ouvert : seul son référent peut réinitialiser son accès (nouveau lien ou "
            "nouveau code). Ce carnet n'a pas de référent : désignez-en un d'abord."
        )
    return (
        f"L'espace de la personne est ouvert : seul son référent, {referent.utilisateur} ({referent.organisation}), "
        "peut réinitialiser son accès (nouveau lien ou nouveau code)."
    )


def peut_reinitialiser(carnet, acteur) -> bool:
    """Sur un espace ouvert, seul le référent actif du carnet réinitialise l'accès de la personne."""
    return carnet.intervenants.referents().filter(utilisateur=acteur).exists()


def _preparer(carnet, acteur):
    """Vérifie le droit d'agir, verrouille la personne (les activations d'une personne se suivent une à une) et
    rend (personne, organisation de l'acteur)."""
    permissions.require(regles.can_edit_carnet(acteur, carnet), "Vous ne pouvez pas modifier ce carnet.")
    personne = Personne.objects.select_for_update().get(pk=carnet.personne_id)
    organisation = organisation_de_l_acteur(carnet, acteur)
    if organisation is None:
        raise ValidationError("Vous n'agissez pour aucune organisation qui partage ce carnet.")
    return personne, organisation


def _preparer_invitation(carnet, acteur):
    """Comme `_preparer`, et, si l'espace est ouvert (l'invitation réinitialisera l'accès), exige le référent actif
    (403 sinon). Rend (personne, organisation, réinitialisation ?)."""
    personne, organisation = _preparer(carnet, acteur)
    reinitialisation = EspacePersonne.objects.filter(personne=personne, ferme_le__isnull=True).exists()
    if reinitialisation and not peut_reinitialiser(carnet, acteur):
        raise PermissionDenied(qui_peut_reinitialiser(carnet))
    return personne, organisation, reinitialisation


def _annuler_en_attente(personne, maintenant) -> int:
    return ActivationEspace.objects.en_attente(maintenant).filter(personne=personne).update(annulee_le=maintenant)


def _compte_de(personne) -> Utilisateur | None:
    espace = EspacePersonne.objects.select_related("compte").filter(personne=personne).first()
    return espace.compte if espace else None


def _email_pris(email: str, compte: Utilisateur | None) -> bool:
    """L'adresse appartient-elle à un autre compte que celui de la personne ?"""
    autres = Utilisateur.objects.filter(email__iexact=email)
    if compte is not None:
        autres = autres.exclude(pk=compte.pk)
    return autres.exists()


def _identifiant_pris(identifiant: str, compte: Utilisateur | None) -> bool:
    """L'identifiant appartient-il à un autre compte que celui de la personne ?"""
    autres = Utilisateur.objects.filter(identifiant=identifiant)
    if compte is not None:
        autres = autres.exclude(pk=compte.pk)
    return autres.exists()


def _resume_invitation(reinitialisation: bool, objet: str, suite: str) -> str:
    """« Lien d'activation de l'espace personnel envoyé… » ; sur un espace ouvert : « Réinitialisation de l'accès à
    l'espace personnel : lien envoyé… »."""
    if reinitialisation:
        return f"Réinitialisation de l'accès à l'espace personnel : {objet} {suite}"
    return f"{objet.capitalize()} d'activation de l'espace personnel {suite}"


def _inviter(personne, organisation, *, acteur, canal, secret, **destination) -> ActivationEspace:
    """Annule l'invitation en attente et crée la nouvelle, valable 7 jours : seule l'empreinte du secret est gardée.
    `destination` : l'adresse e-mail d'un lien, l'identifiant d'un code."""
    maintenant = timezone.now()
    _annuler_en_attente(personne, maintenant)
    return ActivationEspace.objects.create(
        personne=personne,
        canal=canal,
        empreinte=empreinte(secret),
        cree_par=acteur,
        organisation=organisation,
        cree_le=maintenant,
        expire_le=maintenant + DUREE_VALIDITE,
        **destination,
    )


@transaction.atomic
def envoyer_lien(carnet, *, acteur) -> ActivationEspace:
    """Envoie à `Personne.email` un lien d'activation valable 7 jours, une fois. L'adresse ne doit être celle d'aucun
    autre compte (professionnel ou autre personne) : les comptes sont distincts. Sur un espace ouvert, c'est une
    réinitialisation, réservée au référent."""
    personne, organisation, reinitialisation = _preparer_invitation(carnet, acteur)
    email = (personne.email or "").strip().lower()
    if not email:
        raise ValidationError(
            f"{personne} n'a pas d'adresse e-mail : remettez-lui un code d'activation imprimé, "
            "ou ajoutez son adresse à son carnet."
        )
    if _email_pris(email, _compte_de(personne)):
        raise ValidationError(CLASH_EMAIL)
    jeton = generer_jeton()
    activation = _inviter(
        personne, organisation, acteur=acteur, canal=ActivationEspace.Canal.LIEN, secret=jeton, email=email
    )
    historiser(
        carnet,
        EvenementCarnet.Type.ESPACE_LIEN_ENVOYE,
        acteur=acteur,
        organisation=organisation,
        resume=_resume_invitation(
            reinitialisation, "lien", f"envoyé par e-mail (valable jusqu'au {_date(activation.expire_le)})"
        ),
    )
    # Le jeton ne vit que dans cette fermeture (voir la docstring du module).
    transaction.on_commit(lambda: _envoyer_courriel_lien(activation.pk, jeton))
    return activation


def _envoyer_courriel_lien(activation_id: int, jeton: str) -> None:
    activation = (
        ActivationEspace.objects.select_related("personne", "organisation", "cree_par").filter(pk=activation_id).first()
    )
    if activation is None or not activation.est_utilisable():
        return
    contexte = {
        "activation": activation,
        "lien": lien_absolu(reverse("parcours:espace_activer_lien", args=[jeton])),
        "valable_jusqu_au": _date(activation.expire_le),
    }
    try:
        send_mail(
            subject=render_to_string("parcours/emails/espace_lien_objet.txt", contexte).strip(),
            message=render_to_string("parcours/emails/espace_lien.txt", contexte),
            from_email=None,
            recipient_list=[activation.email],
        )
    except OSError:
        journal.exception("Échec de l'envoi du lien d'activation %s", activation.uuid)


@transaction.atomic
def remettre_code(carnet, *, acteur, identifiant: str = "") -> tuple[ActivationEspace, str]:
    """Crée un code d'activation à remettre en main propre (feuille imprimée) et rend (activation, code groupé).
    Le code n'est montré qu'une fois : seule son empreinte est gardée. L'identifiant de connexion remis avec lui est
    celui du compte de la personne s'il en a un, sinon `identifiant` s'il est donné et libre (la démonstration, qui
    l'imprime), sinon un nouvel identifiant unique. Sur un espace ouvert, c'est une réinitialisation, réservée au
    référent."""
    personne, organisation, reinitialisation = _preparer_invitation(carnet, acteur)
    compte = _compte_de(personne)
    souhaite = normaliser_identifiant(identifiant)
    if souhaite:
        souhaite = valider_identifiant(souhaite)
    if souhaite and not (compte and compte.identifiant) and not _identifiant_libre(souhaite, personne):
        raise ValidationError(f"L'identifiant « {souhaite} » est déjà pris.")
    identifiant = (compte.identifiant if compte else "") or souhaite or proposer_identifiant(personne)
    code = generer_code()
    activation = _inviter(
        personne, organisation, acteur=acteur, canal=ActivationEspace.Canal.CODE, secret=code, identifiant=identifiant
    )
    historiser(
        carnet,
        EvenementCarnet.Type.ESPACE_CODE_REMIS,
        acteur=acteur,
        organisation=organisation,
        resume=_resume_invitation(
            reinitialisation,
            "code",
            f"remis en main propre (identifiant {identifiant}, valable jusqu'au {_date(activation.expire_le)})",
        ),
    )
    return activation, grouper_code(code)


@transaction.atomic
def fermer_espace(carnet, *, acteur) -> EspacePersonne | None:
    """Ferme l'espace (le compte est désactivé : ses sessions prennent fin à la requête suivante) et annule les
    invitations en attente. Sans espace ouvert, annule seulement l'invitation en cours."""
    personne, organisation = _preparer(carnet, acteur)
    espace = EspacePersonne.objects.select_for_update().select_related("compte").filter(personne=personne).first()
    ouvert = espace is not None and espace.est_ouvert
    maintenant = timezone.now()
    en_attente = ActivationEspace.objects.en_attente(maintenant).filter(personne=personne).exists()
    if not ouvert and not en_attente:
        raise ValidationError("L'espace personnel n'est pas ouvert et aucune invitation n'est en attente.")
    _annuler_en_attente(personne, maintenant)
    if ouvert:
        espace.ferme_le = maintenant
        espace.save(update_fields=["ferme_le"])
        compte = espace.compte
        compte.is_active = False
        compte.save(update_fields=["is_active"])
        resume = "Espace personnel fermé : le compte de la personne est désactivé"
    else:
        resume = "Invitation à activer l'espace personnel annulée"
    historiser(carnet, EvenementCarnet.Type.ESPACE_FERME, acteur=acteur, organisation=organisation, resume=resume)
    return espace


# --- Personne : activer ---------------------------------------------------------------------------------------


class CodeIncorrect(ValidationError):
    """Identifiant et code ne vont pas ensemble."""


def _refuser_si_inutilisable(activation, maintenant) -> None:
    objet = "Ce lien" if activation.canal == ActivationEspace.Canal.LIEN else "Ce code"
    if activation.utilisee_le:
        raise ValidationError(
            f"{objet} a déjà servi, le {_date(activation.utilisee_le)}. Connectez-vous avec votre mot de passe, "
            "ou demandez un nouveau code à votre référent."
        )
    if activation.annulee_le:
        raise ValidationError(
            f"{objet} a été remplacé par un plus récent, ou annulé. Utilisez le dernier lien ou code reçu, "
            "ou demandez-en un nouveau à votre référent."
        )
    if activation.expire_le <= maintenant:
        raise ValidationError(
            f"{objet} n'est plus valable depuis le {_date(activation.expire_le)}. "
            "Demandez-en un nouveau à votre référent."
        )


def trouver_par_jeton(jeton: str) -> ActivationEspace | None:
    """L'activation du lien (quel que soit son état), ou None."""
    if not jeton:
        return None
    return ActivationEspace.objects.filter(canal=ActivationEspace.Canal.LIEN, empreinte=empreinte(jeton)).first()


def trouver_par_code(identifiant: str, code: str) -> ActivationEspace:
    """L'activation de ce code pour cet identifiant, quel que soit son état ; sinon `CodeIncorrect`."""
    code = normaliser_code(code)
    identifiant = normaliser_identifiant(identifiant)
    if len(code) != LONGUEUR_CODE or not identifiant:
        raise CodeIncorrect(CODE_INCORRECT)
    activation = ActivationEspace.objects.filter(canal=ActivationEspace.Canal.CODE, empreinte=empreinte(code)).first()
    if activation is None or activation.identifiant != identifiant:
        raise CodeIncorrect(CODE_INCORRECT)
    return activation


def verifier_utilisable(activation) -> None:
    _refuser_si_inutilisable(activation, timezone.now())


@transaction.atomic
def activer(activation, *, mot_de_passe: str) -> Utilisateur:
    """La personne active son espace avec son lien ou son code et choisit son mot de passe.

    - Pas encore de compte : il est créé (`creer_compte_personne`), avec le prénom et le nom de la personne.
    - Déjà un compte (espace ouvert, ou fermé puis rouvert) : le même compte, réactivé, avec le nouveau mot de passe.
    - Par un lien : l'adresse e-mail du compte devient celle de l'invitation (la personne prouve qu'elle la lit).
    - Par un code : l'identifiant remis ; et l'adresse e-mail de la personne, si elle en a une qu'aucun autre compte
      n'a (pour qu'elle puisse se connecter plus tard par un code reçu par e-mail) ; sinon pas d'adresse.
    - Espace ouvert : c'est une réinitialisation ; l'ancienne adresse du compte (s'il en a une) reçoit un courriel
      après le commit, et la personne voit un avis à ses prochaines connexions (`avis_de_reinitialisation`).
    Rien n'est écrit si quelque chose ne va pas (lien usé, mot de passe trop faible, adresse prise…), y compris quand
    un autre compte prend l'adresse ou l'identifiant entre la vérification et l'enregistrement.
    """
    maintenant = timezone.now()
    activation = (
        ActivationEspace.objects.select_for_update().select_related("personne", "organisation").get(pk=activation.pk)
    )
    _refuser_si_inutilisable(activation, maintenant)
    personne = activation.personne
    espace = EspacePersonne.objects.select_for_update().select_related("compte").filter(personne=personne).first()
    compte = espace.compte if espace else None
    reinitialisation = espace is not None and espace.est_ouvert
    ancienne_adresse = compte.email if compte is not None else None

    if activation.canal == ActivationEspace.Canal.LIEN:
        email = activation.email
        if _email_pris(email, compte):
            raise ValidationError(
                "Cette adresse e-mail est déjà utilisée par un autre compte. "
                "Demandez à votre référent de vous remettre un code d'activation."
            )
        identifiant = compte.identifiant if compte else None
    else:
        identifiant = activation.identifiant
        if _identifiant_pris(identifiant, compte):
            raise ValidationError("Cet identifiant est déjà pris : demandez un nouveau code à votre référent.")
        email = compte.email if compte and compte.email else None
        if email is None and personne.email and not _email_pris(personne.email, compte):
            email = personne.email.strip().lower()

    futur = compte or Utilisateur(est_personne=True, email=email, identifiant=identifiant)
    futur.prenom, futur.nom = personne.prenom, personne.nom
    try:
        validate_password(mot_de_passe, user=futur)
    except ValidationError as erreur:
        raise ValidationError({"password1": erreur.messages}) from erreur

    try:
        # Un point de reprise : une adresse ou un identifiant pris entre-temps (activation concurrente, invitation
        # d'un professionnel au même moment) annule l'écriture du compte, avec un message en français.
        with transaction.atomic():
            compte = _enregistrer_compte(compte, espace, personne, email, identifiant, mot_de_passe, maintenant)
    except IntegrityError as erreur:
        raise ValidationError(COMPTE_PRIS) from erreur
    activation.utilisee_le = maintenant
    activation.save(update_fields=["utilisee_le"])
    canal = "lien reçu par e-mail" if activation.canal == ActivationEspace.Canal.LIEN else "code remis en main propre"
    carnet = Carnet.objects.get(personne=personne)
    if reinitialisation:
        historiser(
            carnet,
            EvenementCarnet.Type.ESPACE_ACTIVE,
            acteur=compte,
            organisation=None,
            resume=f"Réinitialisation de l'accès à l'espace personnel : la personne a choisi un nouveau mot de passe "
            f"({canal} de {activation.organisation})",
            reinitialisation=True,
            reinitialise_par=activation.organisation.nom,
        )
        if ancienne_adresse:
            contexte = {"personne": personne, "le": _date(maintenant), "organisation": activation.organisation.nom}
            transaction.on_commit(lambda: _envoyer_courriel_reinitialisation(ancienne_adresse, contexte))
    else:
        historiser(
            carnet,
            EvenementCarnet.Type.ESPACE_ACTIVE,
            acteur=compte,
            organisation=None,
            resume=f"La personne a activé son espace personnel ({canal})",
        )
    return compte


def _enregistrer_compte(compte, espace, personne, email, identifiant, mot_de_passe, maintenant) -> Utilisateur:
    if compte is None:
        compte = Utilisateur.objects.creer_compte_personne(
            email=email, identifiant=identifiant, password=mot_de_passe, prenom=personne.prenom, nom=personne.nom
        )
        EspacePersonne.objects.create(personne=personne, compte=compte, ouvert_le=maintenant)
        return compte
    compte.email, compte.identifiant, compte.is_active = email, identifiant, True
    compte.prenom, compte.nom = personne.prenom, personne.nom
    compte.set_password(mot_de_passe)
    compte.save(update_fields=["email", "identifiant", "is_active", "prenom", "nom", "password"])
    if not espace.est_ouvert:
        espace.ferme_le, espace.ouvert_le = None, maintenant
        espace.save(update_fields=["ferme_le", "ouvert_le"])
    return compte


def _envoyer_courriel_reinitialisation(adresse: str, contexte: dict) -> None:
    """Prévient l'ancienne adresse du compte (aucun secret dans le message)."""
    try:
        send_mail(
            subject=render_to_string("parcours/emails/espace_reinitialise_objet.txt", contexte).strip(),
            message=render_to_string("parcours/emails/espace_reinitialise.txt", contexte),
            from_email=None,
            recipient_list=[adresse],
        )
    except OSError:
        journal.exception("Échec de l'envoi de l'avis de réinitialisation d'un espace personnel")


# --- Personne : l'avis de réinitialisation à la connexion -------------------------------------------------------


def avis_de_reinitialisation(compte, maintenant=None) -> str:
    """L'avis que la personne voit à chaque connexion pendant 30 jours après la réinitialisation de son accès
    (lu dans le dernier événement « espace activé » de son carnet), ou ""."""
    maintenant = maintenant or timezone.now()
    evenement = (
        EvenementCarnet.objects.filter(
            carnet__personne__espace__compte=compte,
            carnet__personne__espace__ferme_le__isnull=True,
            type=EvenementCarnet.Type.ESPACE_ACTIVE,
        )
        .order_by("-date", "-id")
        .first()
    )
    if evenement is None or not evenement.details.get("reinitialisation"):
        return ""
    if evenement.date < maintenant - DUREE_AVIS_REINITIALISATION:
        return ""
    return (
        f"Votre accès à votre espace a été réinitialisé le {_date(evenement.date)} par "
        f"{evenement.details.get('reinitialise_par', 'votre référent')}. Si vous ne l'avez pas demandé, "
        "prévenez votre référent."
    )


def _prevenir_a_la_connexion(sender, request, user, **kwargs) -> None:
    """À la connexion d'une personne (sauf celle qui suit l'activation elle-même), l'avis de réinitialisation."""
    if request is None or not getattr(user, "est_personne", False) or getattr(request, "activation_espace", False):
        return
    avis = avis_de_reinitialisation(user)
    if avis:
        messages.warning(request, avis, fail_silently=True)


user_logged_in.connect(_prevenir_a_la_connexion, dispatch_uid="parcours-espace-avis-reinitialisation")
