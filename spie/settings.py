"""Réglages de la plateforme SPIE.

Tout vient de l'environnement, avec un défaut local sûr : sans aucune variable, le projet tourne
sur SQLite, avec un cache en mémoire, des tâches exécutées immédiatement et les e-mails affichés
dans la console. `SPIE_ENV=production` refuse de démarrer avec un réglage de démonstration.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from cryptography.fernet import Fernet
from csp.constants import NONCE as CSP_NONCE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "oui", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SPIE_ENV = os.environ.get("SPIE_ENV", "local")
PRODUCTION = SPIE_ENV == "production"
CLE_DE_DEVELOPPEMENT = "cle-de-developpement-a-ne-jamais-utiliser-en-production"

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", CLE_DE_DEVELOPPEMENT)
DEBUG = env_bool("DJANGO_DEBUG", not PRODUCTION)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

# Second facteur obligatoire pour les professionnels. La démonstration locale peut le couper
# (bandeau « démonstration » sur chaque page) ; la production refuse de démarrer sans lui.
SPIE_MFA_OBLIGATOIRE = env_bool("SPIE_MFA_OBLIGATOIRE", True)
SPIE_DEMONSTRATION = not SPIE_MFA_OBLIGATOIRE
# Page « plancher » des tests de charge (`manage.py mesurer_charge`, docs/BENCHMARKS.md) : `/plancher/`, la page
# authentifiée la plus simple (mêmes intergiciels, aucune requête de la vue), contre laquelle se lit le débit des
# autres pages. Désactivée par défaut : l'URL n'existe pas ; la commande l'active pour le seul gunicorn qu'elle lance.
SPIE_PAGE_PLANCHER = env_bool("SPIE_PAGE_PLANCHER", False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "guardian",
    "django_htmx",
    "dsfr",
    "csp",
    "spie",
    "partenaires",
    "offre",
    "parcours",
    "gouvernance",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "spie.middleware.RefusCaractereNulMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "spie.middleware.PasDeCacheSiConnecteMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "partenaires.middleware.DureeDeSessionMiddleware",
    "partenaires.middleware.OrganisationCouranteMiddleware",
    "partenaires.middleware.ComptesSeparesMiddleware",
    "partenaires.middleware.SecondFacteurObligatoireMiddleware",
]

ROOT_URLCONF = "spie.urls"
WSGI_APPLICATION = "spie.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "spie.context_processors.plateforme",
                "csp.context_processors.nonce",
                "partenaires.navigation.navigation",
            ],
        },
    },
]
FORM_RENDERER = "spie.forms.RenduDsfr"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Redis arrêté : les pages répondent sans cache (spie/cache.py) ; une seconde au plus pour se connecter ou lire.
    CACHES = {
        "default": {
            "BACKEND": "spie.cache.CacheRedisTolerant",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery : un vrai courtier Redis si REDIS_URL est défini, sinon exécution immédiate.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Europe/Paris"
# Travaux planifiés : chaque tâche n'est qu'une enveloppe d'une commande de gestion.
CELERY_BEAT_SCHEDULE = {
    "purger-documents": {"task": "spie.tasks.purger_documents", "schedule": 3600.0},
    "relancer-documents": {"task": "spie.tasks.relancer_documents", "schedule": 300.0},
    "archiver-comptes-rendus": {
        "task": "gouvernance.comptes_rendus.taches.archiver_comptes_rendus_manquants",
        "schedule": 600.0,
    },
    # La vue par défaut des indicateurs de chaque territoire, gardée 65 min : chaude pendant les heures ouvrées.
    "precalculer-indicateurs": {
        "task": "gouvernance.indicateurs.taches.precalculer_indicateurs",
        "schedule": crontab(minute=0, hour="6-19"),
    },
    "point-de-situation": {"task": "parcours.tasks.calculer_point_de_situation", "schedule": crontab(hour=2, minute=0)},
    "retirer-acces-transferts": {
        "task": "parcours.tasks.retirer_acces_transferts",
        "schedule": crontab(hour=2, minute=30),
    },
    "purger-imports": {"task": "parcours.imports.taches.purger_imports", "schedule": crontab(hour=3, minute=0)},
    "purger-consultations": {"task": "parcours.tasks.purger_consultations", "schedule": crontab(hour=3, minute=15)},
    "anonymiser-dossiers": {"task": "parcours.tasks.anonymiser_dossiers", "schedule": crontab(hour=3, minute=30)},
    "rappels-rendez-vous": {"task": "parcours.tasks.envoyer_rappels", "schedule": crontab(minute=15)},
    "rappel-actualisation-offre": {
        "task": "offre.catalogue.taches.rappeler_actualisation",
        "schedule": crontab(day_of_month=1, hour=6, minute=0),
    },
    "suivre-orientations-service": {
        "task": "parcours.orientation_service.taches.suivre_orientations_service",
        "schedule": crontab(hour=6, minute=30),
    },
    "digest-hebdomadaire": {
        "task": "parcours.tasks.envoyer_digest_hebdomadaire",
        "schedule": crontab(day_of_week="mon", hour=7, minute=0),
    },
}

AUTH_USER_MODEL = "partenaires.Utilisateur"
# Les permissions objet se lisent par la façade partenaires.permissions, jamais par user.has_perm().
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]
SILENCED_SYSTEM_CHECKS = ["guardian.W001"]  # voulu : pas de backend guardian, tout passe par la façade
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Argon2 d'abord : les mots de passe enregistrés avec un autre hacheur de la liste restent lisibles et sont
# réécrits en Argon2 à la connexion suivante.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accueil"
LOGOUT_REDIRECT_URL = "accueil"

# django-allauth : connexion par e-mail (ou, pour une personne accompagnée sans e-mail, par l'identifiant remis
# avec son code d'activation), ou par un code reçu par e-mail ; inscription fermée (on entre par invitation, ou par
# l'activation de son espace personnel).
ACCOUNT_ADAPTER = "partenaires.adapters.AdaptateurCompte"
ACCOUNT_USER_MODEL_USERNAME_FIELD = "identifiant"
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 10 * 60
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PASSWORD_MIN_LENGTH = 12
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip,200/h/ip",
    "login_failed": "5/5m/key,20/h/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "request_login_code": "20/m/ip,3/m/key",
    # Activation de l'espace personnel par code (parcours.espace) : par adresse IP et par identifiant.
    "activation_espace": "10/m/ip,30/h/ip",
    "activation_espace_echec": "5/15m/key,20/h/ip",
}
# Adresse du client pour les limites de fréquence : allauth ignore X-Forwarded-For tant qu'aucun proxy n'est
# déclaré de confiance (un en-tête forgé ne remet donc pas les compteurs à zéro). Derrière le proxy de production,
# indiquer le nombre de proxys à nous qui ajoutent une adresse à X-Forwarded-For.
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("SPIE_PROXYS_DE_CONFIANCE", "0"))
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[SPIE] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = os.environ.get("SPIE_MFA_EMETTEUR", "Plateforme SPIE")

# django-guardian : pas d'utilisateur anonyme, tables de permissions à clé étrangère directe.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# WhiteNoise sert les fichiers statiques depuis gunicorn : collectés et versionnés en production,
# lus directement dans les applications ailleurs (pas de collectstatic en local ni en test).
STATIC_ROOT = BASE_DIR / "staticfiles" if PRODUCTION else None
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
MEDIA_URL = "/media/"
# Hors de la racine statique et jamais servi directement (aucune URL /media/, ni WhiteNoise ni gunicorn) : chaque
# fichier passe par une vue qui vérifie la permission (docs/RELIABILITY.md, « Traces, documents déposés… »).
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
# Taille maximale d'un fichier déposé, par usage (octets) : spie.depots.controler_depot.
SPIE_DEPOTS_TAILLE_MAX = {
    "import_personnes": 10 * 1024 * 1024,
    "import_offre": 10 * 1024 * 1024,
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "SPIE <ne-pas-repondre@spie.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
    EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "emails"))

# Adresse publique du site, pour les liens envoyés par e-mail.
SPIE_URL_SITE = os.environ.get("SPIE_URL_SITE", "http://127.0.0.1:8000")
SPIE_INVITATION_DUREE_JOURS = 7
# Les documents générés (PDF) contiennent des données personnelles : ils expirent puis sont supprimés.
SPIE_DOCUMENTS_DUREE_HEURES = int(os.environ.get("SPIE_DOCUMENTS_DUREE_HEURES", "24"))
# Un diagnostic validé plus ancien que cette durée est signalé « à réexaminer » (6 mois par défaut).
SPIE_DIAGNOSTIC_VALIDITE_JOURS = int(os.environ.get("SPIE_DIAGNOSTIC_VALIDITE_JOURS", "183"))
# Le journal des consultations des carnets est gardé 12 mois (la personne le lit sur 12 mois), puis purgé chaque
# nuit. Pas moins : sur PostgreSQL, un déclencheur refuse d'effacer une consultation de moins de 12 mois.
SPIE_CONSULTATIONS_DUREE_MOIS = 12
# Un carnet sans contact depuis ce nombre de mois est anonymisé chaque nuit (sauf gel légal en cours).
SPIE_CONSERVATION_MOIS = int(os.environ.get("SPIE_CONSERVATION_MOIS", "24"))
# SMIC horaire brut (en euros) par date d'entrée en vigueur : un projet ne peut pas viser moins.
SPIE_SMIC_HORAIRE_BRUT = {"2024-11-01": "11.88", "2026-01-01": "12.02"}
# NIR chiffré au repos (parcours/nir.py) : clés Fernet séparées par des virgules, la première chiffre, toutes
# déchiffrent ; et la clé HMAC de son empreinte. Vides en développement : clés dérivées de SECRET_KEY.
SPIE_CLES_NIR = env_list("SPIE_CLES_NIR", "")
SPIE_CLE_EMPREINTE_NIR = os.environ.get("SPIE_CLE_EMPREINTE_NIR", "")

SESSION_COOKIE_HTTPONLY = True
# Tout compte est déconnecté après 30 minutes sans activité, et 12 heures après sa connexion quoi qu'il fasse
# (partenaires.middleware.DureeDeSessionMiddleware). La session côté serveur ne survit pas à cette durée.
SPIE_SESSION_INACTIVITE_SECONDES = int(os.environ.get("SPIE_SESSION_INACTIVITE_SECONDES", str(30 * 60)))
SPIE_SESSION_DUREE_MAX_SECONDES = int(os.environ.get("SPIE_SESSION_DUREE_MAX_SECONDES", str(12 * 60 * 60)))
SESSION_COOKIE_AGE = SPIE_SESSION_DUREE_MAX_SECONDES
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# En-têtes et transport (docs/RELIABILITY.md, « En-têtes et transport »).
# Cookies : jamais lus par notre JavaScript (htmx reçoit le jeton CSRF par hx-headers dans base.html), donc HttpOnly.
# SameSite=Lax et non Strict : un lien reçu par e-mail (invitation, activation, document) doit arriver connecté.
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy (django-csp 4) : rien que nos fichiers statiques ; un script en ligne porte le nonce de
# la requête (`<script nonce="{{ CSP_NONCE }}">`), jamais de style en ligne (htmx : includeIndicatorStyles=false).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", CSP_NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    # Les sous-domaines de notre nom d'hôte (et eux seuls, pas le domaine parent) passent aussi en HTTPS :
    # la plateforme n'y publie rien en clair, et un sous-domaine en HTTP pourrait poser un cookie pour nous.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_SOUS_DOMAINES", True)
    # La liste de préchargement des navigateurs engage tout le domaine enregistré (celui du département, pas le
    # nôtre) et ne se quitte qu'en des mois : c'est à son propriétaire d'en décider, d'où le défaut à faux.
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRECHARGEMENT", False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "security.W021"]
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Rien qui ressemble à un NIR n'est écrit dans les journaux (spie/journaux.py).
    "filters": {"masquer_nir": {"()": "spie.journaux.MasquerNIR"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["masquer_nir"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.template": {"level": "INFO", "propagate": True}},
}


def verifier_production() -> None:
    """La production refuse de démarrer avec un réglage de développement ou de démonstration."""
    problemes = []
    # La règle de Django (security.W009, `check --deploy`) : 50 caractères, dont au moins 5 différents.
    if SECRET_KEY == CLE_DE_DEVELOPPEMENT or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        problemes.append("DJANGO_SECRET_KEY doit être défini (au moins 50 caractères, dont 5 différents)")
    if not SPIE_MFA_OBLIGATOIRE:
        problemes.append("SPIE_MFA_OBLIGATOIRE ne peut pas être désactivé")
    if DEBUG:
        problemes.append("DJANGO_DEBUG doit être faux")
    if not REDIS_URL:
        problemes.append("REDIS_URL doit être défini (cache et tâches)")
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        problemes.append("DATABASE_URL doit désigner une base PostgreSQL")
    if not EMAIL_HOST:
        # Sans serveur SMTP, le courrier partirait dans la console, donc dans les journaux : les liens d'activation
        # de l'espace personnel et les codes de connexion y seraient écrits en clair.
        problemes.append("EMAIL_HOST doit désigner le serveur SMTP (sinon les courriels finissent dans les journaux)")
    if not SPIE_CLES_NIR or len(SPIE_CLE_EMPREINTE_NIR) < 32:
        problemes.append(
            "SPIE_CLES_NIR (clés Fernet) et SPIE_CLE_EMPREINTE_NIR (32 caractères au moins) doivent être définis"
        )
    for cle in SPIE_CLES_NIR:
        try:
            Fernet(cle)
        except ValueError:
            problemes.append("SPIE_CLES_NIR : chaque clé est une clé Fernet (Fernet.generate_key())")
            break
    if problemes:
        raise ImproperlyConfigured("Configuration de production refusée : " + " ; ".join(problemes) + ".")


if PRODUCTION:
    verifier_production()
