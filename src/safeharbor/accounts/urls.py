from django.urls import path

from safeharbor.accounts import lock_views, mfa_views, oidc, token_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("mfa/verify/", mfa_views.mfa_verify, name="mfa-verify"),
    path("mfa/enrol/", mfa_views.mfa_enrol, name="mfa-enrol"),
    path("mfa/recovery-codes/", mfa_views.mfa_recovery_codes, name="mfa-recovery-codes"),
    path("api-token/", token_views.api_tokens, name="api-token"),
    path("api-token/<int:pk>/revoke/", token_views.api_token_revoke, name="api-token-revoke"),
    path("users/<int:pk>/sessions/", mfa_views.user_sessions, name="user-sessions"),
    path("users/<int:pk>/mfa-reset/", mfa_views.user_mfa_reset, name="user-mfa-reset"),
    path("users/<int:pk>/enrolment-code/", mfa_views.user_enrolment_code, name="user-enrolment-code"),
    path("users/<int:pk>/api-tokens/", token_views.user_api_tokens, name="user-api-tokens"),
    path("users/<int:pk>/sign-in-locks/lift/", lock_views.sign_in_lock_lift, name="sign-in-lock-lift"),
    path("sign-in-locks/", lock_views.sign_in_locks, name="sign-in-locks"),
    path("sso/start/", oidc.OidcStartView.as_view(), name="oidc-start"),
    path("sso/callback/", oidc.OidcCallbackView.as_view(), name="oidc-callback"),
]
