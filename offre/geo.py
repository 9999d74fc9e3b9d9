"""Distances sans PostGIS : une boîte englobante sur les coordonnées indexées, puis la distance exacte du grand
cercle (formule de haversine) sur les seuls candidats."""

import math

RAYON_TERRE_KM = 6371.0088
KM_PAR_DEGRE_DE_LATITUDE = 111.195


def distance_km(latitude_1: float, longitude_1: float, latitude_2: float, longitude_2: float) -> float:
    phi_1, phi_2 = math.radians(latitude_1), math.radians(latitude_2)
    delta_phi = phi_2 - phi_1
    delta_lambda = math.radians(longitude_2 - longitude_1)
    a = math.sin(delta_phi / 2) ** 2 + math.cos(phi_1) * math.cos(phi_2) * math.sin(delta_lambda / 2) ** 2
    return 2 * RAYON_TERRE_KM * math.asin(min(1.0, math.sqrt(a)))


def boite_englobante(latitude: float, longitude: float, rayon_km: float) -> tuple[float, float, float, float]:
    """(latitude min, latitude max, longitude min, longitude max) d'une boîte qui contient tout le disque ; la
    largeur en longitude est prise à la latitude du bord le plus proche du pôle (la plus large), si bien qu'aucun
    point du disque n'est oublié."""
    delta_latitude = rayon_km / KM_PAR_DEGRE_DE_LATITUDE
    latitude_min, latitude_max = latitude - delta_latitude, latitude + delta_latitude
    if latitude_max >= 90 or latitude_min <= -90:
        return max(latitude_min, -90.0), min(latitude_max, 90.0), -180.0, 180.0
    cosinus = min(math.cos(math.radians(latitude_min)), math.cos(math.radians(latitude_max)))
    delta_longitude = min(rayon_km / (KM_PAR_DEGRE_DE_LATITUDE * cosinus), 180.0)
    return latitude_min, latitude_max, longitude - delta_longitude, longitude + delta_longitude
