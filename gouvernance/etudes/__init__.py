"""Les études de situations soumises aux comités techniques, sous pseudonyme, avec le consentement de la personne"""
