from safeharbor.core.testing.matrix import API_ANON, Row, expect

ROWS = [
    Row("core:home", expect(200)),
    Row("api-schema", expect(200, anonymous=API_ANON)),
    Row("api-docs", expect(200, anonymous=API_ANON)),
    Row(
        "api:rules-run",
        expect(200, partner=403, anonymous=API_ANON),
        kwargs=lambda p: {"name": "age"},
        method="post",
        data=lambda p: {"date_of_birth": "2010-01-01", "on": "2026-01-01"},
        content_type="application/json",
    ),
    Row(
        "api:rules-run",
        expect(400, partner=403, anonymous=API_ANON),
        kwargs=lambda p: {"name": "age"},
        method="post",
        data=lambda p: {"on": "2026-01-01"},
        content_type="application/json",
        label="bad input",
    ),
]
