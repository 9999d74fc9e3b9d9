"""Les besoins non couverts (diagnostics sans service actif à moins de 30 km) et le flux mensuel des orientations"""
