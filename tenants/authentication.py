"""JWT authentication for the API, with the two per-request costs cached.

- The signed-in user comes from ``tenants.auth_cache`` (memory, then Redis, then
  the database) instead of a query per request.
- An expired token is told apart from a bad one: ``token_expired`` means "refresh
  and retry", ``token_invalid`` means "sign in again".
- A token whose signature was checked is remembered in this process until it
  expires, so a mobile app reusing its access token for 15 minutes pays for the
  HMAC and JSON decoding once. The key is the whole token string, signature
  included, so a tampered token is never a hit.
- Every token carries a stamp of the user's password (``pwd``) and the moment they
  signed in (``auth_time``). A password change makes every token issued before it
  invalid at once, access and refresh alike; a deactivated user's tokens stop
  working; rotation renews a refresh token only until ``JWT_SESSION_MAX_DAYS``
  after the sign-in (docs/api.md#authentication).
"""

import time

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, ExpiredTokenError, TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import AccessToken

from . import auth_cache

MAX_REMEMBERED_TOKENS = 10_000
_validated: dict[bytes, object] = {}


class TokenExpired(AuthenticationFailed):
    default_detail = _("Your access token has expired: get a new one from auth/refresh.")
    default_code = "token_expired"


class TokenInvalid(AuthenticationFailed):
    default_detail = _("This token is not valid: sign in again.")
    default_code = "token_invalid"


def access_token(raw_token) -> AccessToken:
    """The checked access token, or ``token_expired`` / ``token_invalid``."""
    try:
        return AccessToken(raw_token)
    except ExpiredTokenError:
        raise TokenExpired() from None
    except TokenError:
        raise TokenInvalid() from None


PASSWORD_CLAIM = "pwd"
AUTH_TIME_CLAIM = "auth_time"


def password_stamp(user) -> str:
    """Changes whenever the password does (Django's session hash: an HMAC of the password hash)."""
    return user.get_session_auth_hash()[:20]


def stamp_token(token, user) -> None:
    token[PASSWORD_CLAIM] = password_stamp(user)
    token[AUTH_TIME_CLAIM] = int(time.time())


def check_session(token, user) -> None:
    """Raise TokenInvalid unless the token was issued for the user's current password and the session that
    issued it is young enough to go on."""
    if not user.is_active:
        raise TokenInvalid(_("This account is deactivated."))
    if token.get(PASSWORD_CLAIM) != password_stamp(user):
        raise TokenInvalid(_("The password changed since this token was issued: sign in again."))
    max_age = settings.JWT_SESSION_MAX_DAYS * 86400
    if time.time() - float(token.get(AUTH_TIME_CLAIM) or 0) > max_age:
        raise TokenExpired(_("This session is too old to renew: sign in again."))


class CachedJWTAuthentication(JWTAuthentication):
    def get_validated_token(self, raw_token):
        token = _validated.get(raw_token)
        if token is not None and token.get("exp", 0) > time.time():
            return token
        token = access_token(raw_token)
        if len(_validated) >= MAX_REMEMBERED_TOKENS:
            _validated.clear()
        _validated[raw_token] = token
        return token

    def get_user(self, validated_token):
        try:
            user_id = validated_token[api_settings.USER_ID_CLAIM]
        except KeyError as exc:
            raise TokenInvalid(_("Token contained no recognizable user identification")) from exc
        user = auth_cache.get_user(user_id)
        if user is None:
            raise AuthenticationFailed(_("User not found"), code="user_not_found")
        if not user.is_active:
            raise AuthenticationFailed(_("User is inactive"), code="user_inactive")
        if validated_token.get(PASSWORD_CLAIM) != password_stamp(user):
            raise TokenInvalid(_("The password changed since this token was issued: sign in again."))
        return user
