"""Expands template.yaml with AWS's SAM translator, as CloudFormation does on deploy, writes the
resulting CloudFormation template as JSON, and checks what the issue asks of the API: the GET
needs the Cognito authorizer, the CORS preflight needs none, and the gateway's 4XX and 5XX
answers carry CORS headers.

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
    # `sam build` replaces a function's source directory with its uploaded zip.
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

    with open(out_path, "w") as f:
        json.dump(expanded, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
