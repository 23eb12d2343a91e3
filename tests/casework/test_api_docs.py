from rest_framework.test import APIClient


def test_the_schema_lists_the_uniform_transition_endpoints(db):
    response = APIClient().get("/api/v1/schema/", {"format": "json"})

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/inspections/{id}/transitions/" in paths
    assert "/api/v1/inspections/{id}/transitions/{name}/" in paths
    assert "/api/v1/inspections/{id}/timeline/" in paths
    assert "/api/v1/auth/token" in paths


def test_the_docs_page_loads_its_assets_from_our_own_static_files(db):
    html = APIClient().get("/api/v1/docs/").content.decode()

    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn." not in html
