// Recherche « Carnets de bord » : un NIR tapé dans la recherche ne part jamais dans une URL (GET htmx ou formulaire).
// Ce qui ressemble à un NIR (des chiffres, 2A/2B, au moins 5 chiffres), ou à son début, n'est pas cherché au fil de la
// frappe ; à l'envoi, il passe par le formulaire POST de recherche par NIR (la vue n'en garde que l'empreinte, en session).
(function () {
  var recherche = document.getElementById("recherche-carnet");
  var formulaire = document.getElementById("recherche-carnets-form");
  var formulaireNir = document.getElementById("recherche-nir-form");
  if (!recherche || !formulaire || !formulaireNir) {
    return;
  }
  function ressembleAUnNir(texte) {
    var compact = texte.replace(/\s/g, "").toUpperCase();
    return /^[0-9]+(2A|2B)?[0-9]*$/.test(compact) && compact.replace(/\D/g, "").length >= 5;
  }
  // Le début d'un NIR (un chiffre, puis des chiffres, 2A/2B) n'est pas cherché au fil de la frappe non plus : tapé
  // lentement, ses quatre premiers caractères (sexe, année de naissance) partiraient dans l'URL avant que le cinquième
  // ne le fasse reconnaître. Un identifiant tout en chiffres se cherche à l'envoi (recherche exacte).
  function debutPossibleDUnNir(texte) {
    return /^[0-9][0-9AB]*$/.test(texte.replace(/\s/g, "").toUpperCase());
  }
  function parLaFrappe(evenement) {
    var detail = evenement.detail;
    var declencheur = detail.triggeringEvent || (detail.requestConfig && detail.requestConfig.triggeringEvent);
    return Boolean(declencheur) && declencheur.type === "input";
  }
  function envoyerEnPost() {
    document.getElementById("recherche-nir").value = recherche.value;
    recherche.value = "";
    formulaireNir.submit();
  }
  ["htmx:confirm", "htmx:beforeRequest"].forEach(function (nom) {
    document.body.addEventListener(nom, function (evenement) {
      if (
        evenement.detail.elt === formulaire &&
        (ressembleAUnNir(recherche.value) || (parLaFrappe(evenement) && debutPossibleDUnNir(recherche.value)))
      ) {
        evenement.preventDefault();
      }
    });
  });
  formulaire.addEventListener(
    "submit",
    function (evenement) {
      if (ressembleAUnNir(recherche.value)) {
        evenement.preventDefault();
        evenement.stopImmediatePropagation();
        envoyerEnPost();
      }
    },
    true
  );
})();
