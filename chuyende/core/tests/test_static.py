import pytest


@pytest.mark.parametrize(
    "path",
    [
        "/static/vendor/htmx-2.0.4/htmx.min.js",
        "/static/vendor/bootstrap-5.3.3/bootstrap.min.css",
        "/static/vendor/bootstrap-icons-1.11.3/fonts/bootstrap-icons.woff2",
        "/static/css/app.css",
    ],
)
def test_vendored_static_files_are_served_without_a_cdn(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert b"".join(response.streaming_content if response.streaming else [response.content])
