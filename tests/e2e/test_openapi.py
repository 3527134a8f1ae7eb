"""The OpenAPI document is valid and describes every route cv-api serves
and every endpoint of the API contract."""
import pathlib
import re

import pytest
import yaml
from openapi_spec_validator import validate

ROOT = pathlib.Path(__file__).resolve().parents[2]
SPEC = yaml.safe_load((ROOT / "fcgi" / "openapi.yaml").read_text())


def spec_operations():
    return {(m.upper(), p) for p, item in SPEC["paths"].items() for m in item
            if m in {"get", "post", "put", "patch", "delete"}}


def test_document_is_valid_openapi_3_1():
    assert SPEC["openapi"].startswith("3.1")
    validate(SPEC)


def test_every_served_route_is_documented():
    app = (ROOT / "fcgi" / "app.c").read_text()
    served = set(re.findall(r'\{ \{ "([A-Z]+)", "(/api/[^"]*)" \}', app))
    assert served, "route table not found in fcgi/app.c"
    assert served <= spec_operations()


def test_every_contract_endpoint_is_documented():
    api_md = ROOT.parent / "shared" / "API.md"
    if not api_md.exists():
        pytest.skip("shared/API.md is not beside the repository")
    rows = set(re.findall(r"^\| (GET|POST|PUT|PATCH|DELETE) (/api/\S+)", api_md.read_text(), re.M))
    assert rows, "no endpoint rows found in API.md"
    assert rows <= spec_operations()
