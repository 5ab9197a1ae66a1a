"""A minimal OpenID Connect provider that tests start on the loopback address: discovery document,
authorization endpoint (a one-field sign-in form), token endpoint with PKCE (S256) and client
authentication, RS256-signed ID tokens and the JWKS that verifies them. Enough to exercise the
portal's real client (Authlib) end to end; nothing here is for production."""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from flask import Flask, abort, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import RSAKey

from tests.serving import serving

CLIENT_ID, CLIENT_SECRET = "injury-portal", "test-client-secret"
IDENTITIES: dict[str, dict[str, Any]] = {
    # login -> claims of that person at the company's identity provider
    "li.qiang": {"sub": "u-1001", "email": "li.qiang@company-a.example", "email_verified": True},
    "zhao": {"sub": "u-2001", "employee_number": "M001"},
    "stranger": {"sub": "u-9999", "email": "stranger@elsewhere.example", "email_verified": True},
}


@dataclass
class Provider:
    issuer: str = ""
    key: Any = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "test-key"}))
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    token_requests: list[dict[str, str]] = field(default_factory=list)

    def app(self) -> Flask:
        app = Flask("test-oidc-provider")

        @app.get("/.well-known/openid-configuration")
        def discovery():
            return jsonify(issuer=self.issuer, authorization_endpoint=f"{self.issuer}/authorize",
                           token_endpoint=f"{self.issuer}/token", jwks_uri=f"{self.issuer}/jwks",
                           response_types_supported=["code"], subject_types_supported=["public"],
                           id_token_signing_alg_values_supported=["RS256"],
                           code_challenge_methods_supported=["S256"],
                           token_endpoint_auth_methods_supported=["client_secret_basic", "client_secret_post"])

        @app.get("/jwks")
        def jwks():
            return jsonify(keys=[self.key.as_dict(private=False)])

        @app.route("/authorize", methods=["GET", "POST"])
        def authorize():
            args = request.values
            if args.get("client_id") != CLIENT_ID or args.get("code_challenge_method") != "S256":
                abort(400)
            if request.method == "GET":
                hidden = "".join(f'<input type="hidden" name="{k}" value="{v}">' for k, v in args.items())
                return (f'<form method="post"><label for="login">Company login</label>'
                        f'<input id="login" name="login">{hidden}<button type="submit">Continue</button></form>')
            claims = IDENTITIES.get(request.form.get("login", ""))
            if claims is None:
                abort(403)
            code = secrets.token_urlsafe(16)
            self.codes[code] = {"claims": claims, "nonce": args.get("nonce"), "challenge": args["code_challenge"],
                                "redirect_uri": args["redirect_uri"]}
            return redirect(f"{args['redirect_uri']}?{urlencode({'code': code, 'state': args['state']})}")

        @app.post("/token")
        def token():
            self.token_requests.append(dict(request.form))
            grant = self.codes.pop(request.form.get("code", ""), None)
            verifier = request.form.get("code_verifier", "")
            challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            authorized = request.authorization
            client_ok = (authorized is not None and (authorized.username, authorized.password) == (CLIENT_ID, CLIENT_SECRET)) \
                or (request.form.get("client_id"), request.form.get("client_secret")) == (CLIENT_ID, CLIENT_SECRET)
            if grant is None or not client_ok or challenge != grant["challenge"] \
                    or request.form.get("redirect_uri") != grant["redirect_uri"]:
                return jsonify(error="invalid_grant"), 400
            now = int(time.time())
            id_token = jwt.encode({"alg": "RS256", "kid": "test-key"},
                                  {"iss": self.issuer, "aud": CLIENT_ID, "iat": now, "exp": now + 300,
                                   "nonce": grant["nonce"], **grant["claims"]}, self.key)
            return jsonify(access_token=secrets.token_urlsafe(16), token_type="Bearer", expires_in=300,
                           id_token=id_token)

        return app


@contextmanager
def running_provider() -> Iterator[Provider]:
    provider = Provider()
    with serving(provider.app()) as url:
        provider.issuer = url
        yield provider


def sso_config(provider: Provider) -> dict[str, str]:
    return {"OIDC_ISSUER": provider.issuer, "OIDC_CLIENT_ID": CLIENT_ID, "OIDC_CLIENT_SECRET": CLIENT_SECRET}
