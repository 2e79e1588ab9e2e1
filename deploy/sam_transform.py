"""Expands template.yaml with AWS's SAM translator, as CloudFormation does on deploy, writes the
resulting CloudFormation template as JSON, and checks what the issue asks of the API: the GET
needs the Cognito authorizer, the CORS preflight needs none, and the gateway's 4XX and 5XX
answers carry CORS headers; and what the security review asks of the pool: an email change
waits for verification, the page's client cannot write email and reads email_verified, its
tokens are short-lived, the pool survives the stack's deletion, and MFA is by authenticator app,
optional by default, and self sign-up is off by default; that the hosted sign-in page is the
code grant only, back to the site, the CLI's loopback port and (locally) the local page, and
that the site's CSP lets the page reach its token endpoint; and what bounds one caller:
the stage's throttling, an access log without headers, and the opt-in settings off by default.

Usage: python sam_transform.py TEMPLATE OUT.json  (cargo xtask test runs it, then cfn-lint on OUT)
"""

import json
import os
import sys

from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse


class NoManagedPolicies:
    """The translator asks for AWS's managed policies only to expand policy templates, which
    this template does not use (its role is written out)."""

    def load(self):
        return {}


def main(template_path, out_path):
    with open(template_path) as f:
        template = yaml_parse(f.read())
    # `sam deploy` replaces the zip's path (deploy/out/bootstrap.zip) with its uploaded copy.
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = "s3://sam-build/bootstrap.zip"
    os.environ.setdefault("AWS_DEFAULT_REGION", "eu-west-1")
    parameters = {"DomainPrefix": "cognito-whoami-check"}
    expanded = transform(template, parameters, NoManagedPolicies())

    apis = [r for r in expanded["Resources"].values() if r["Type"] == "AWS::ApiGateway::RestApi"]
    assert len(apis) == 1, f"expected one REST API, found {len(apis)}"
    body = apis[0]["Properties"]["Body"]
    root = body["paths"]["/"]
    assert root["get"].get("security") == [{"CognitoAuthorizer": []}], f"GET / is not behind the authorizer: {root['get']}"
    assert "security" not in root["options"], f"the preflight must not need a token: {root['options']}"
    responses = body["x-amazon-apigateway-gateway-responses"]
    for kind in ("DEFAULT_4XX", "DEFAULT_5XX"):
        headers = responses[kind]["responseParameters"]
        assert "gatewayresponse.header.Access-Control-Allow-Origin" in headers, f"{kind} has no CORS header"

    check_pool(expanded["Resources"])
    check_mfa(template["Parameters"], expanded["Resources"])
    check_sign_up(template["Parameters"], template["Conditions"], expanded["Resources"])
    check_limits(template["Parameters"], expanded["Resources"])
    check_hosted_ui(template["Parameters"], expanded["Resources"])

    with open(out_path, "w") as f:
        json.dump(expanded, f, indent=1)


def check_pool(resources):
    pool = resources["UserPool"]
    assert pool.get("DeletionPolicy") == "Retain", "the user pool must be retained when the stack goes"
    assert pool["Properties"].get("DeletionProtection") == "ACTIVE", "the user pool needs deletion protection"
    update = pool["Properties"].get("UserAttributeUpdateSettings", {})
    assert "email" in update.get("AttributesRequireVerificationBeforeUpdate", []), (
        "an email change must wait for verification, or users can make the API vouch for any address"
    )
    page = resources["PageClient"]["Properties"]
    # Without a WriteAttributes list a client may write every standard attribute.
    writes = page.get("WriteAttributes")
    assert writes and "email" not in writes, f"the page's client must not write email: {writes}"
    assert {"email", "email_verified"} <= set(page.get("ReadAttributes", [])), "the ID token needs email and email_verified"
    units = page.get("TokenValidityUnits", {})
    for token in ("IdToken", "AccessToken"):
        minutes = page.get(f"{token}Validity", 1) * {"minutes": 1, "hours": 60, "days": 1440}[units.get(token, "hours")]
        assert minutes <= 15, f"the page's {token} lives {minutes} minutes; sign-out should end API access within 15"


def check_mfa(parameters, resources):
    """The pool's MFA follows its parameter (OPTIONAL unless said otherwise), and the factor it
    offers is an authenticator app (TOTP) only: SMS needs an SNS role and a phone number."""
    assert parameters["Mfa"]["Default"] == "OPTIONAL", "MFA is optional by default: users opt in"
    assert set(parameters["Mfa"]["AllowedValues"]) == {"OFF", "OPTIONAL", "ON"}, parameters["Mfa"]
    pool = resources["UserPool"]["Properties"]
    assert pool.get("MfaConfiguration") == {"Ref": "Mfa"}, f"MFA follows its parameter: {pool.get('MfaConfiguration')}"
    enabled = pool.get("EnabledMfas")
    assert isinstance(enabled, dict) and "Fn::If" in enabled, f"EnabledMfas only where MFA is not OFF: {enabled}"
    condition, when_on, when_off = enabled["Fn::If"]
    assert when_on == ["SOFTWARE_TOKEN_MFA"], f"authenticator apps only, no SMS: {when_on}"
    assert when_off == {"Ref": "AWS::NoValue"}, when_off


def check_sign_up(parameters, conditions, resources):
    """Self sign-up follows its parameter and is off unless asked for: by default only an
    administrator creates users."""
    assert parameters["SelfSignUp"]["Default"] == "false", "self sign-up is off by default"
    assert set(parameters["SelfSignUp"]["AllowedValues"]) == {"true", "false"}, parameters["SelfSignUp"]
    assert conditions["WithSelfSignUp"] == {"Fn::Equals": [{"Ref": "SelfSignUp"}, "true"]}, conditions["WithSelfSignUp"]
    only_admin = resources["UserPool"]["Properties"]["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"]
    assert only_admin == {"Fn::If": ["WithSelfSignUp", False, True]}, f"sign-up follows SelfSignUp: {only_admin}"


def check_limits(parameters, resources):
    """What bounds the cost and exposure of one caller: the stage is throttled, the access log
    (when on) records no header, and the opt-in settings that can fail on a new account or cost
    more per user are off by default."""
    stages = [r for r in resources.values() if r["Type"] == "AWS::ApiGateway::Stage"]
    assert len(stages) == 1, f"expected one stage, found {len(stages)}"
    stage = stages[0]["Properties"]
    everything = [m for m in stage.get("MethodSettings", []) if m.get("ResourcePath") == "/*" and m.get("HttpMethod") == "*"]
    assert everything and {"ThrottlingRateLimit", "ThrottlingBurstLimit"} <= set(everything[0]), (
        f"every method of the stage needs a rate and a burst limit: {stage.get('MethodSettings')}"
    )
    log_format = json.dumps(stage.get("AccessLogSetting", {})).lower()
    assert "header" not in log_format and "authorization" not in log_format, "the access log must not record headers"
    assert parameters["ReservedConcurrency"]["Default"] == 0, "a reservation fails on new accounts: opt in only"
    assert parameters["ApiAccessLogs"]["Default"] == "false", "access logs need the account's CloudWatch role: opt in"
    assert parameters["ThreatProtection"]["Default"] == "OFF", "threat protection costs per user: opt in"
    addons = resources["UserPool"]["Properties"].get("UserPoolAddOns", {})
    assert addons.get("AdvancedSecurityMode") == {"Ref": "ThreatProtection"}, "threat protection follows its parameter"


def check_hosted_ui(parameters, resources):
    """Cognito's hosted sign-in page: the code grant only (the implicit grant puts tokens in the
    address bar), the scopes the API needs, and callbacks that are the site itself, the CLI's
    fixed loopback port (Cognito matches callback URLs exactly, port included) and, only when
    given, the local stack's page. The site's CSP names the pool's domain for the token request."""
    site = {"Fn::Sub": "https://${SiteDistribution.DomainName}/"}
    loopback = {"Fn::Sub": "http://127.0.0.1:${CliCallbackPort}/callback"}
    assert parameters["LocalSiteUrl"]["Default"] == "", "no loopback page on AWS unless asked for"
    for name in ("PageClient", "CliClient"):
        client = resources[name]["Properties"]
        assert client.get("AllowedOAuthFlows") == ["code"], f"{name}: the code grant only: {client.get('AllowedOAuthFlows')}"
        assert set(client.get("AllowedOAuthScopes", [])) == {"openid", "email"}, f"{name}: {client.get('AllowedOAuthScopes')}"
        assert client.get("SupportedIdentityProviders") == ["COGNITO"], f"{name}: {client.get('SupportedIdentityProviders')}"
    page = resources["PageClient"]["Properties"]
    condition, local, remote = page["CallbackURLs"]["Fn::If"]
    assert condition == "WithLocalSite", page["CallbackURLs"]
    assert remote == [site, loopback] and local == [site, loopback, {"Ref": "LocalSiteUrl"}], page["CallbackURLs"]
    assert resources["CliClient"]["Properties"]["CallbackURLs"] == [loopback]
    csp = resources["SiteHeaders"]["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    policy = csp["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Sub"]
    connect = next(d for d in policy.split(";") if d.strip().startswith("connect-src"))
    assert "https://${UserPoolDomain}.auth.${AWS::Region}.amazoncognito.com" in connect.split(), connect


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
