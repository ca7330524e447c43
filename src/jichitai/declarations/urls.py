from django.urls import path

from jichitai.declarations import views_clerk as clerk
from jichitai.declarations.portal import certificates, oidc
from jichitai.declarations.portal import views as portal

app_name = "declarations"
urlpatterns = [
    path("portal/", portal.portal_home, name="portal"),
    path("portal/logout/", portal.portal_logout, name="portal_logout"),
    path("portal/oidc/start/", oidc.start, name="oidc_start"),
    path("portal/oidc/callback/", oidc.callback, name="oidc_callback"),
    path("portal/new/", portal.new_declaration, name="new"),
    path("portal/<int:pk>/edit/", portal.edit_declaration, name="edit"),
    path("portal/<int:pk>/attachments/", portal.upload_attachment, name="upload"),
    path("portal/<int:pk>/attachments/<int:aid>/delete/", portal.delete_attachment, name="delete_attachment"),
    path("portal/<int:pk>/confirm/", portal.confirm_declaration, name="confirm"),
    path("portal/<int:pk>/submit/", portal.submit_declaration, name="submit"),
    path("portal/lookup/", portal.lookup, name="lookup"),
    path("portal/r/<str:receipt>/", portal.declaration_status, name="status"),
    path("portal/tax-certificate/", certificates.own_certificate, name="tax_certificate"),
    path("portal/r/<str:receipt>/hikae.pdf", portal.receipt_copy, name="receipt_copy"),
    path("queue/", clerk.queue_view, name="queue"),
    path("queue/<int:pk>/", clerk.case_view, name="case"),
    path("queue/<int:pk>/attachments/<int:aid>/", clerk.attachment_view, name="attachment"),
    path("approvals/", clerk.approvals_view, name="approvals"),
    path("metrics/", clerk.metrics_view, name="metrics"),
]
