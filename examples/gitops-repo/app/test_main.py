import pytest

from main import BANNER_ENV, create_app


@pytest.fixture
def client():
    return create_app().test_client()


def test_healthz(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.get_json() == {"status": "ok"}


def test_readyz_not_ready_without_config(client, monkeypatch):
    monkeypatch.delenv(BANNER_ENV, raising=False)
    resp = client.get("/readyz")
    assert resp.status_code == 503


def test_readyz_ready_with_config(client, monkeypatch):
    monkeypatch.setenv(BANNER_ENV, "hello")
    assert client.get("/readyz").status_code == 200


def test_banner_reads_env(client, monkeypatch):
    monkeypatch.setenv(BANNER_ENV, "Free shipping over 50 EUR")
    resp = client.get("/api/banner")
    assert resp.status_code == 200
    assert resp.get_json() == {"message": "Free shipping over 50 EUR"}


def test_banner_missing_config(client, monkeypatch):
    monkeypatch.delenv(BANNER_ENV, raising=False)
    assert client.get("/api/banner").status_code == 503
