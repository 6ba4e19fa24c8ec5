from django.urls import path

from safeharbor.accounts import mfa_views, oidc, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("mfa/verify/", mfa_views.mfa_verify, name="mfa-verify"),
    path("mfa/enrol/", mfa_views.mfa_enrol, name="mfa-enrol"),
    path("mfa/recovery-codes/", mfa_views.mfa_recovery_codes, name="mfa-recovery-codes"),
    path("api-token/", mfa_views.api_token, name="api-token"),
    path("users/<int:pk>/sessions/", mfa_views.user_sessions, name="user-sessions"),
    path("users/<int:pk>/mfa-reset/", mfa_views.user_mfa_reset, name="user-mfa-reset"),
    path("sso/start/", oidc.OidcStartView.as_view(), name="oidc-start"),
    path("sso/callback/", oidc.OidcCallbackView.as_view(), name="oidc-callback"),
]
