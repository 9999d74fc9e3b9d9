"""Cache Redis qui tolère l'absence de Redis : une page ne tombe pas parce que le cache est arrêté.

Le cache ne garde que ce qui peut se perdre (compteurs des limites de connexion d'allauth, etc.) ; les sessions sont
en base (réglage par défaut de Django). Redis injoignable : l'erreur est journalisée (une fois par minute au plus
et par processus, pour ne pas noyer les journaux) et le cache répond « absent » ; une écriture est perdue. Pendant la
panne, les limites de débit comptent donc à partir de zéro : c'est le prix d'une plateforme qui répond."""

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

ERREURS_REDIS = (RedisConnectionError, RedisTimeoutError, OSError)
INTERVALLE_JOURNAL_SECONDES = 60


class CacheRedisTolerant(RedisCache):
    _dernier_journal = 0.0

    def _absent(self, operation: str, erreur: Exception) -> None:
        maintenant = time.monotonic()
        if maintenant - CacheRedisTolerant._dernier_journal >= INTERVALLE_JOURNAL_SECONDES:
            CacheRedisTolerant._dernier_journal = maintenant
            logger.error("Cache Redis injoignable (%s) : la page répond sans cache. %s", operation, erreur)

    def add(self, key, value, timeout=None, version=None):
        try:
            return super().add(key, value, timeout, version)
        except ERREURS_REDIS as erreur:
            self._absent("add", erreur)
            return False

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except ERREURS_REDIS as erreur:
            self._absent("get", erreur)
            return default

    def set(self, key, value, timeout=None, version=None):
        try:
            super().set(key, value, timeout, version)
        except ERREURS_REDIS as erreur:
            self._absent("set", erreur)

    def touch(self, key, timeout=None, version=None):
        try:
            return super().touch(key, timeout, version)
        except ERREURS_REDIS as erreur:
            self._absent("touch", erreur)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except ERREURS_REDIS as erreur:
            self._absent("delete", erreur)
            return False

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except ERREURS_REDIS as erreur:
            self._absent("get_many", erreur)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except ERREURS_REDIS as erreur:
            self._absent("has_key", erreur)
            return False

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except ERREURS_REDIS as erreur:
            # Comme une clé absente (ValueError de Django) : l'appelant sait déjà la traiter.
            self._absent("incr", erreur)
            raise ValueError(f"Clé absente (cache injoignable) : {key!r}") from erreur

    def set_many(self, data, timeout=None, version=None):
        try:
            return super().set_many(data, timeout, version)
        except ERREURS_REDIS as erreur:
            self._absent("set_many", erreur)
            return list(data)

    def delete_many(self, keys, version=None):
        try:
            return super().delete_many(keys, version)
        except ERREURS_REDIS as erreur:
            self._absent("delete_many", erreur)
            return None

    def clear(self):
        try:
            return super().clear()
        except ERREURS_REDIS as erreur:
            self._absent("clear", erreur)
            return False
