from django.urls import path

from onboarding.wizard import views

app_name = "wizard"
urlpatterns = [
    path("", views.start, name="start"),
    path("wilayah/", views.region_results, name="regions"),
    path("lanjut/<str:token>/", views.resume, name="resume"),
    path("verifikasi/<str:token>/", views.email_verify_link, name="verify_link"),
    path("<uuid:public_id>/<int:number>/", views.step, name="step"),
    path("<uuid:public_id>/2/kode/", views.email_verify, name="email_verify"),
    path("<uuid:public_id>/2/kirim-ulang/", views.email_resend, name="email_resend"),
    path("<uuid:public_id>/5/berkas/", views.file_upload, name="file_upload"),
    path("<uuid:public_id>/5/hapus/<str:kind>/", views.file_remove, name="file_remove"),
    path("<uuid:public_id>/5/status/", views.files_status, name="files_status"),
    path("<uuid:public_id>/peluncuran/", views.launch, name="launch"),
    path("<uuid:public_id>/peluncuran/status/", views.launch_status, name="launch_status"),
    path("<uuid:public_id>/peluncuran/ulang/", views.launch_retry, name="launch_retry"),
    path("<uuid:public_id>/peluncuran/ubah/", views.launch_revise, name="launch_revise"),
]
