"""URLs of the performance module (SKP, evaluations, calibration), under /kinerja/."""

from core.performance import urls_calibration, urls_documents, urls_evaluation, urls_skp

app_name = "performance"

urlpatterns = [
    *urls_skp.urlpatterns,
    *urls_evaluation.urlpatterns,
    *urls_calibration.urlpatterns,
    *urls_documents.urlpatterns,
]
