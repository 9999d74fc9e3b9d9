# Plateforme SPIE. Sans aucune variable d'environnement : SQLite, cache mémoire, tâches immédiates,
# e-mails dans la console. Voir README.md.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installe
PORT ?= 8000

.PHONY: install run demo test e2e pannes bench charge quality fix worker beat migrate clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet ".[dev]"
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py charger_demo

# La démonstration locale coupe le second facteur (bandeau « démonstration » sur chaque page).
run: demo
	SPIE_MFA_OBLIGATOIRE=$${SPIE_MFA_OBLIGATOIRE:-0} $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Les tests tournent en parallèle, un processus par cœur (TEST_PROCESSUS=0 : un seul processus, pour déboguer).
TEST_PROCESSUS ?= auto
test: install
	$(BIN)/python -m pytest -n $(TEST_PROCESSUS) $(PYTEST_ARGS)

# Parcours navigateur : Chromium de Debian, gunicorn + worker Celery, PostgreSQL et Redis locaux.
E2E_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/spie_e2e
E2E_REDIS_URL ?= redis://127.0.0.1:6379/6
node_modules/.installe: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch node_modules/.installe

e2e: install node_modules/.installe
	rm -rf artefacts/e2e
	DATABASE_URL=$(E2E_DATABASE_URL) REDIS_URL=$(E2E_REDIS_URL) \
		$(BIN)/python -m pytest tests/e2e -p no:cacheprovider -o addopts="--strict-markers" $(PYTEST_ARGS)

# Pannes provoquées (worker Celery tué en pleine production de PDF ; Redis arrêté 60 s et PostgreSQL redémarré sous
# charge, sur un redis-server et un cluster PostgreSQL démarrés par les tests, jamais ceux des ports 6379 et 5432) ;
# un seul processus de test, les workers démarrés par les tests prennent les deux cœurs ; chaque test affiche son bilan.
PANNES_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/spie_pannes
PANNES_REDIS_URL ?= redis://127.0.0.1:6379/7
pannes: install
	SPIE_TESTS_PANNE=1 DATABASE_URL=$(PANNES_DATABASE_URL) REDIS_URL=$(PANNES_REDIS_URL) \
		$(BIN)/python -m pytest tests/pannes -m panne -n 0 -p no:randomly -s -q $(PYTEST_ARGS)

# Mesures de performance sur PostgreSQL, sur le jeu de données de mesure (docs/BENCHMARKS.md) : base
# spie_bench_$(SCALE) remplie par `generer_donnees_bench --personnes $(SCALE)` (une fois : la base porte ensuite en
# commentaire le jeu qu'elle contient, et `make bench` la réutilise ; BENCH_REUTILISER=1 la réutilise sans vérifier),
# puis les mesures unitaires (transactions annulées : le jeu reste intact), puis la charge (gunicorn, locust et le
# Redis de BENCH_REDIS_URL ; BENCH_CHARGE=0 : sans).
# DEBUG coupé comme en production. Sorties dans artefacts/bench/$(SCALE)/. `make bench SCALE=200000` : échelle
# nationale (génération longue, charge de 120 s).
SCALE ?= 20000
BENCH_BASE := spie_bench_$(SCALE)
BENCH_DATABASE_URL := postgres://postgres@127.0.0.1:5432/$(BENCH_BASE)
BENCH_PG := -h 127.0.0.1 -U postgres
BENCH_MARQUE := jeu de mesure : generer_donnees_bench --personnes $(SCALE)
BENCH_REUTILISER ?= 0
BENCH_CHARGE ?= 1
BENCH_DUREE ?= $(shell [ "$(SCALE)" -ge 200000 ] 2>/dev/null && echo 120 || echo 20)
BENCH_DUREE_SATURATION ?= $(shell [ "$(SCALE)" -ge 200000 ] 2>/dev/null && echo 30 || echo 10)
BENCH_SORTIE := artefacts/bench/$(SCALE)
BENCH_PILOTE := bench.pilote@spie.test
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/8
BENCH_ENV := DATABASE_URL=$(BENCH_DATABASE_URL) DJANGO_DEBUG=0
BENCH_MESURER = $(BENCH_ENV) $(BIN)/python manage.py $(1) 2>&1 | tee $(BENCH_SORTIE)/$(word 1,$(1)).txt

$(VENV)/.installe-bench: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet ".[dev,bench]"
	touch $@

bench: SHELL := /bin/bash
bench: .SHELLFLAGS := -o pipefail -ec
bench: $(VENV)/.installe-bench
	case "$(SCALE)" in ''|*[!0-9]*) echo "SCALE doit être un nombre de personnes." >&2; exit 2;; esac
	mkdir -p $(BENCH_SORTIE)
	marque=$$(psql $(BENCH_PG) -d postgres -tAc \
		"SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '$(BENCH_BASE)'"); \
	if [ "$(BENCH_REUTILISER)" = 1 ] || [ "$$marque" = "$(BENCH_MARQUE)" ]; then \
		echo "$(BENCH_BASE) porte déjà le jeu de mesure : réutilisée."; \
		$(BENCH_ENV) $(BIN)/python manage.py migrate --noinput; \
	else \
		dropdb $(BENCH_PG) --if-exists $(BENCH_BASE); \
		createdb $(BENCH_PG) $(BENCH_BASE); \
		$(BENCH_ENV) $(BIN)/python manage.py migrate --noinput; \
		$(BENCH_ENV) /usr/bin/time -f "Génération : %e s, %M Ko de pointe" $(BIN)/python manage.py \
			generer_donnees_bench --personnes $(SCALE) 2>&1 | tee $(BENCH_SORTIE)/generer_donnees_bench.txt; \
		psql $(BENCH_PG) -d postgres -c "COMMENT ON DATABASE $(BENCH_BASE) IS '$(BENCH_MARQUE)'"; \
	fi
	-$(call BENCH_MESURER,verifier_plans)
	$(call BENCH_MESURER,mesurer_permissions --expliquer $(BENCH_PERMISSIONS_ARGS))
	$(call BENCH_MESURER,mesurer_recherche_rome --expliquer $(BENCH_ARGS))
	$(call BENCH_MESURER,mesurer_import_personnes $(BENCH_IMPORT_ARGS))
	$(call BENCH_MESURER,mesurer_indicateurs --pilote $(BENCH_PILOTE) $(BENCH_INDICATEURS_ARGS))
	$(call BENCH_MESURER,mesurer_compte_rendu --pilote $(BENCH_PILOTE) $(BENCH_COMPTE_RENDU_ARGS))
	$(call BENCH_MESURER,mesurer_recherche_offre --catalogue-en-place --expliquer $(BENCH_OFFRE_ARGS))
	if [ "$(BENCH_CHARGE)" = 1 ]; then REDIS_URL=$(BENCH_REDIS_URL) \
		$(call BENCH_MESURER,mesurer_charge --duree $(BENCH_DUREE) --duree-saturation $(BENCH_DUREE_SATURATION) --sortie $(BENCH_SORTIE) $(BENCH_CHARGE_ARGS)); fi
	echo "Mesures dans $(BENCH_SORTIE)/."

# Tests de charge (gunicorn + locust) sur une base remplie par generer_donnees_bench : 20 utilisateurs, par scénario
# 120 s avec temps de réflexion (budgets) puis 30 s sans attente (saturation, × plancher), environ 18 min ; rapide :
# CHARGE_ARGS="--duree 20 --duree-saturation 10". Rapport et JSON dans artefacts/bench/. Voir docs/BENCHMARKS.md.
CHARGE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/spie_charge
CHARGE_REDIS_URL ?= redis://127.0.0.1:6379/8
charge: $(VENV)/.installe-bench
	DATABASE_URL=$(CHARGE_DATABASE_URL) REDIS_URL=$(CHARGE_REDIS_URL) \
		$(BIN)/python manage.py mesurer_charge $(CHARGE_ARGS)

quality: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/djlint templates */templates --lint
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check

fix: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

worker: install
	$(BIN)/celery -A spie worker --loglevel=info

beat: install
	$(BIN)/celery -A spie beat --loglevel=info

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles artefacts
