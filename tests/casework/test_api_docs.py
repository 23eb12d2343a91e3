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


def schema() -> dict:
    return APIClient().get("/api/v1/schema/", {"format": "json"}).json()


def test_each_register_write_is_documented_with_its_own_columns(db):
    paths = schema()["paths"]
    for collection, component in [
        ("enterprises", "EnterprisesInput"),
        ("workers", "WorkersInput"),
        ("certificates", "CertificatesInput"),
        ("trainings", "TrainingsInput"),
        ("trainers", "TrainersInput"),
        ("skill-certificates", "SkillCertificatesInput"),
    ]:
        for path, method, name in [
            (f"/api/v1/{collection}/", "post", f"{component}Request"),
            (f"/api/v1/{collection}/{{id}}/", "put", f"{component}Request"),
            (f"/api/v1/{collection}/{{id}}/", "patch", f"Patched{component}Request"),
        ]:
            body = paths[path][method]["requestBody"]["content"]["application/json"]["schema"]
            assert body == {"$ref": f"#/components/schemas/{name}"}, (path, method)


def test_sub_collections_are_documented_as_the_plain_arrays_they_return(db):
    paths = schema()["paths"]
    for path in [
        "/api/v1/inspections/{id}/transitions/",
        "/api/v1/inspections/{id}/timeline/",
        "/api/v1/findings/{id}/transitions/",
        "/api/v1/findings/{id}/timeline/",
        "/api/v1/inspections/{id}/worker-checks/",
        "/api/v1/inspections/{id}/evidence/",
    ]:
        answer = paths[path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert answer["type"] == "array", path
        assert "limit" not in {p["name"] for p in paths[path]["get"].get("parameters", [])}
    for path in ["/api/v1/inspections/{id}/worker-checks/", "/api/v1/inspections/{id}/evidence/"]:
        assert set(paths[path]["post"]["responses"]) == {"201"}


def test_an_open_findings_empty_disposition_and_an_imports_field_errors_are_documented(db):
    document = schema()
    disposition = document["components"]["schemas"]["Finding"]["properties"]["disposition"]
    refs = {choice["$ref"].rsplit("/", 1)[1] for choice in disposition["oneOf"]}
    assert document["components"]["schemas"]["BlankEnum"]["enum"] == [""]
    assert refs == {"DispositionEnum", "BlankEnum"}
    refused = document["paths"]["/api/v1/imports/"]["post"]["responses"]["400"]
    alternatives = refused["content"]["application/json"]["schema"]["anyOf"]
    assert {"$ref": "#/components/schemas/ImportReport"} in alternatives
    assert any(a.get("additionalProperties", {}).get("type") == "array" for a in alternatives)
