"""Gestes communs aux parcours navigateur."""

import re

from playwright.sync_api import expect

from tests.outils import code_totp_a_saisir


def menu(page, nom):
    return page.get_by_role("navigation", name="Menu principal").get_by_role("link", name=nom)


def se_connecter(page, base, email, mot_de_passe, secret):
    page.goto(f"{base}/comptes/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", mot_de_passe)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile("/comptes/2fa/authenticate/"))
    page.fill("input[name=code]", code_totp_a_saisir(secret))
    page.locator("main button[type=submit]").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
