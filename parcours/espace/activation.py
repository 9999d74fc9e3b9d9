"""L'activation de l'espace personnel : le référent (ou tout professionnel qui peut modifier le carnet) invite la
personne par un lien envoyé par e-mail, ou lui remet en main propre un code imprimé ; la personne choisit son mot de
passe, son compte est créé (ou rouvert) et son espace ouvert.

Règles :
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
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from parcours import permissions as regles
from parcours.models import ActivationEspace, Carnet, EspacePersonne, EvenementCarnet, Personne
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


def base_identifiant(personne) -> str:
    """« Léa-Marie », « Du Pont » → « lea-marie.du-pont » (ASCII), assez court pour les 4 chiffres."""
    prenom = slugify(personne.prenom) or "personne"
    nom = slugify(personne.nom)
    base = f"{prenom}.{nom}" if nom else prenom
    return base[: LONGUEUR_IDENTIFIANT - 4].strip(".-")


def _identifiant_libre(identifiant: str, personne) -> bool:
    if Utilisateur.objects.filter(identifiant=identifiant).exists():
        return False
    attente = ActivationEspace.objects.filter(
        identifiant=identifiant, utilisee_le__isnull=True, annulee_le__isnull=True, expire_le__gt=timezone.now()
    )
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

    @property
    def identifiant_connexion(self) -> str:
        if self.espace is None:
            return ""
        return self.espace.compte.email or self.espace.compte.identifiant or ""


def etat_espace(carnet) -> EtatEspace:
    """L'espace de la personne du carnet (avec son compte) et l'invitation en cours : deux requêtes."""
    espace = EspacePersonne.objects.select_related("compte").filter(personne_id=carnet.personne_id).first()
    activation = (
        ActivationEspace.objects.filter(
            personne_id=carnet.personne_id,
            utilisee_le__isnull=True,
            annulee_le__isnull=True,
            expire_le__gt=timezone.now(),
        )
        .order_by("-cree_le", "-id")
        .first()
    )
    return EtatEspace(espace, activation)


def activations_de(carnet):
    """Les activations passées et en cours de la personne du carnet, la plus récente d'abord (une requête)."""
    return ActivationEspace.objects.filter(personne_id=carnet.personne_id).select_related("cree_par", "organisation")


# --- Professionnel : inviter, fermer --------------------------------------------------------------------------


def _preparer(carnet, acteur):
    """Vérifie le droit d'agir, verrouille la personne (les activations d'une personne se suivent une à une) et
    rend (personne, organisation de l'acteur)."""
    permissions.require(regles.can_edit_carnet(acteur, carnet), "Vous ne pouvez pas modifier ce carnet.")
    personne = Personne.objects.select_for_update().get(pk=carnet.personne_id)
    organisation = organisation_de_l_acteur(carnet, acteur)
    if organisation is None:
        raise ValidationError("Vous n'agissez pour aucune organisation qui partage ce carnet.")
    return personne, organisation


def _annuler_en_attente(personne, maintenant) -> int:
    return ActivationEspace.objects.filter(
        personne=personne, utilisee_le__isnull=True, annulee_le__isnull=True, expire_le__gt=maintenant
    ).update(annulee_le=maintenant)


def _compte_de(personne) -> Utilisateur | None:
    espace = EspacePersonne.objects.select_related("compte").filter(personne=personne).first()
    return espace.compte if espace else None


def _email_pris(email: str, compte: Utilisateur | None) -> bool:
    """L'adresse appartient-elle à un autre compte que celui de la personne ?"""
    autres = Utilisateur.objects.filter(email__iexact=email)
    if compte is not None:
        autres = autres.exclude(pk=compte.pk)
    return autres.exists()


@transaction.atomic
def envoyer_lien(carnet, *, acteur) -> ActivationEspace:
    """Envoie à `Personne.email` un lien d'activation valable 7 jours, une fois. L'adresse ne doit être celle d'aucun
    autre compte (professionnel ou autre personne) : les comptes sont distincts."""
    personne, organisation = _preparer(carnet, acteur)
    email = (personne.email or "").strip().lower()
    if not email:
        raise ValidationError(
            f"{personne} n'a pas d'adresse e-mail : remettez-lui un code d'activation imprimé, "
            "ou ajoutez son adresse à son carnet."
        )
    if _email_pris(email, _compte_de(personne)):
        raise ValidationError(CLASH_EMAIL)
    maintenant = timezone.now()
    _annuler_en_attente(personne, maintenant)
    jeton = generer_jeton()
    activation = ActivationEspace.objects.create(
        personne=personne,
        canal=ActivationEspace.Canal.LIEN,
        empreinte=empreinte(jeton),
        email=email,
        cree_par=acteur,
        organisation=organisation,
        cree_le=maintenant,
        expire_le=maintenant + DUREE_VALIDITE,
    )
    historiser(
        carnet,
        EvenementCarnet.Type.ESPACE_LIEN_ENVOYE,
        acteur=acteur,
        organisation=organisation,
        resume=f"Lien d'activation de l'espace personnel envoyé par e-mail (valable jusqu'au "
        f"{_date(activation.expire_le)})",
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
    l'imprime), sinon un nouvel identifiant unique."""
    personne, organisation = _preparer(carnet, acteur)
    compte = _compte_de(personne)
    souhaite = normaliser_identifiant(identifiant)
    if souhaite and not (compte and compte.identifiant) and not _identifiant_libre(souhaite, personne):
        raise ValidationError(f"L'identifiant « {souhaite} » est déjà pris.")
    identifiant = (compte.identifiant if compte else "") or souhaite or proposer_identifiant(personne)
    maintenant = timezone.now()
    _annuler_en_attente(personne, maintenant)
    code = generer_code()
    activation = ActivationEspace.objects.create(
        personne=personne,
        canal=ActivationEspace.Canal.CODE,
        empreinte=empreinte(code),
        identifiant=identifiant,
        cree_par=acteur,
        organisation=organisation,
        cree_le=maintenant,
        expire_le=maintenant + DUREE_VALIDITE,
    )
    historiser(
        carnet,
        EvenementCarnet.Type.ESPACE_CODE_REMIS,
        acteur=acteur,
        organisation=organisation,
        resume=f"Code d'activation de l'espace personnel remis en main propre (identifiant {identifiant}, "
        f"valable jusqu'au {_date(activation.expire_le)})",
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
    en_attente = ActivationEspace.objects.filter(
        personne=personne, utilisee_le__isnull=True, annulee_le__isnull=True, expire_le__gt=maintenant
    ).exists()
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
    """Identifiant et code ne vont pas ensemble (compte pour la limite d'échecs)."""


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
    Rien n'est écrit si quelque chose ne va pas (lien usé, mot de passe trop faible, adresse prise…).
    """
    maintenant = timezone.now()
    activation = ActivationEspace.objects.select_for_update().select_related("personne").get(pk=activation.pk)
    _refuser_si_inutilisable(activation, maintenant)
    personne = activation.personne
    espace = EspacePersonne.objects.select_for_update().select_related("compte").filter(personne=personne).first()
    compte = espace.compte if espace else None

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
        autres = Utilisateur.objects.filter(identifiant=identifiant)
        if compte is not None:
            autres = autres.exclude(pk=compte.pk)
        if autres.exists():
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

    if compte is None:
        compte = Utilisateur.objects.creer_compte_personne(
            email=email, identifiant=identifiant, password=mot_de_passe, prenom=personne.prenom, nom=personne.nom
        )
        espace = EspacePersonne.objects.create(personne=personne, compte=compte, ouvert_le=maintenant)
    else:
        compte.email, compte.identifiant, compte.is_active = email, identifiant, True
        compte.prenom, compte.nom = personne.prenom, personne.nom
        compte.set_password(mot_de_passe)
        compte.save(update_fields=["email", "identifiant", "is_active", "prenom", "nom", "password"])
        if not espace.est_ouvert:
            espace.ferme_le, espace.ouvert_le = None, maintenant
            espace.save(update_fields=["ferme_le", "ouvert_le"])
    activation.utilisee_le = maintenant
    activation.save(update_fields=["utilisee_le"])
    canal = "lien reçu par e-mail" if activation.canal == ActivationEspace.Canal.LIEN else "code remis en main propre"
    historiser(
        Carnet.objects.get(personne=personne),
        EvenementCarnet.Type.ESPACE_ACTIVE,
        acteur=compte,
        organisation=None,
        resume=f"La personne a activé son espace personnel ({canal})",
    )
    return compte
