from safeharbor.core.testing.matrix import Row, expect

ROWS = [
    # A signed-in visitor to the sign-in page is sent home.
    Row("accounts:login", expect(302, anonymous=200)),
    Row("accounts:logout", expect(302, anonymous=302), method="post"),
]
