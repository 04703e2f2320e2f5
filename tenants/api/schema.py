"""OpenAPI extensions: our JWT authentication documented as the bearer scheme it is."""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme


class CachedJWTScheme(SimpleJWTScheme):
    target_class = "tenants.authentication.CachedJWTAuthentication"
    name = "jwtAuth"
