"""The control plane through the real AWS CLI (`awscli` from PyPI, `--endpoint-url`) and
boto3 paginators: pagination over 60 trust anchors (the quota raised in the configuration
file's `[quotas]`, as the service's quota is adjustable), the CLI's own auto-pagination,
an anchor, profile, mapping and CRL made with `aws rolesanywhere …`, and its error exits;
with restarts between the steps."""

import json

from control_plane_helpers import DemoCa, RestartableEmulator, role_arn, trust_policy, write_config


def cli_json(emu, *args):
    r = emu.aws_cli(*args)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout) if r.stdout.strip() else {}


def test_pagination_over_60_trust_anchors(tmp_path):
    config = write_config(tmp_path / "emulator.toml", {}, quotas={"trust_anchors": 70})
    emu = RestartableEmulator(tmp_path, config)
    emu.start()
    try:
        c = emu.client()
        pem = DemoCa(emu.info).pem
        created = [c.create_trust_anchor(name=f"anchor {i:02}", source={"sourceType": "CERTIFICATE_BUNDLE",
                   "sourceData": {"x509CertificateData": pem}})["trustAnchor"]["trustAnchorId"] for i in range(60)]
        emu.restart()
        c = emu.client()
        pages = list(c.get_paginator("list_trust_anchors").paginate(pageSize=25))
        assert [len(p["trustAnchors"]) for p in pages] == [25, 25, 11]
        assert "nextToken" not in pages[-1]
        ids = [t["trustAnchorId"] for p in pages for t in p["trustAnchors"]]
        assert len(ids) == len(set(ids)) == 61 and set(created) <= set(ids)
        # Without pageSize: pages of 50.
        first = c.list_trust_anchors()
        assert len(first["trustAnchors"]) == 50 and first["nextToken"]
        second = c.list_trust_anchors(nextToken=first["nextToken"])
        assert len(second["trustAnchors"]) == 11 and "nextToken" not in second
        # A page boundary survives the deletion of items already listed.
        page = c.list_trust_anchors(pageSize=10)
        for t in page["trustAnchors"][:5]:
            c.delete_trust_anchor(trustAnchorId=t["trustAnchorId"])
        rest = c.list_trust_anchors(pageSize=10, nextToken=page["nextToken"])["trustAnchors"]
        assert rest[0]["trustAnchorId"] == ids[10]
        emu.restart()
        # The AWS CLI follows nextToken by itself.
        listed = cli_json(emu, "list-trust-anchors", "--page-size", "7")
        assert len(listed["trustAnchors"]) == 56
        # The quota (70) holds.
        for i in range(14):
            c = emu.client()
            c.create_trust_anchor(name=f"more {i}", source={"sourceType": "CERTIFICATE_BUNDLE", "sourceData": {"x509CertificateData": pem}})
        over = emu.aws_cli("create-trust-anchor", "--name", "over", "--source",
                           json.dumps({"sourceType": "CERTIFICATE_BUNDLE", "sourceData": {"x509CertificateData": pem}}))
        assert over.returncode != 0 and "ValidationException" in over.stderr
    finally:
        emu.stop(kill=False)


def test_aws_cli_manages_resources(tmp_path):
    roles = {"open": trust_policy({"StringEquals": {"aws:SourceAccount": "123456789012"}})}
    emu = RestartableEmulator(tmp_path, write_config(tmp_path / "emulator.toml", roles))
    emu.start()
    try:
        ca = DemoCa(emu.info)
        (tmp_path / "ca.pem").write_text(ca.pem)
        source = json.dumps({"sourceType": "CERTIFICATE_BUNDLE", "sourceData": {"x509CertificateData": ca.pem}})
        anchor = cli_json(emu, "create-trust-anchor", "--name", "cli anchor", "--source", source, "--enabled",
                          "--tags", "key=made-by,value=aws-cli")["trustAnchor"]
        emu.restart()
        profile = cli_json(emu, "create-profile", "--name", "cli profile", "--role-arns", role_arn("open"),
                           "--duration-seconds", "900", "--enabled", "--accept-role-session-name")["profile"]
        assert profile["durationSeconds"] == 900 and profile["acceptRoleSessionName"] is True
        emu.restart()
        mapped = cli_json(emu, "put-attribute-mapping", "--profile-id", profile["profileId"], "--certificate-field",
                          "x509Subject", "--mapping-rules", "specifier=CN", "specifier=OU")["profile"]
        assert {"certificateField": "x509Subject", "mappingRules": [{"specifier": "CN"}, {"specifier": "OU"}]} in mapped["attributeMappings"]
        cli_json(emu, "delete-attribute-mapping", "--profile-id", profile["profileArn"], "--certificate-field", "x509SAN")
        emu.restart()
        got = cli_json(emu, "get-profile", "--profile-id", profile["profileId"])["profile"]
        assert "x509SAN" not in [m["certificateField"] for m in got["attributeMappings"]]

        # ImportCrl with a DER file (fileb://), then the revoked certificate is refused.
        cert, key, serial = ca.issue_leaf(tmp_path, "revoked-by-cli")
        assert emu.create_session(cert, key, anchor["trustAnchorArn"], profile["profileArn"], role_arn("open")).returncode == 0
        from cryptography.hazmat.primitives import serialization
        (tmp_path / "root.crl").write_bytes(ca.crl([serial], encoding=serialization.Encoding.DER))
        crl = cli_json(emu, "import-crl", "--name", "cli crl", "--crl-data", f"fileb://{tmp_path / 'root.crl'}",
                       "--trust-anchor-arn", anchor["trustAnchorArn"], "--enabled")["crl"]
        emu.restart()
        refused = emu.create_session(cert, key, anchor["trustAnchorArn"], profile["profileArn"], role_arn("open"))
        assert refused.returncode != 0 and "AccessDenied" in refused.stderr
        assert [x["crlId"] for x in cli_json(emu, "list-crls")["crls"]] == [crl["crlId"]]
        subjects = cli_json(emu, "list-subjects")["subjects"]
        assert any("CN=revoked-by-cli" in s["x509Subject"] for s in subjects)
        tags = cli_json(emu, "list-tags-for-resource", "--resource-arn", anchor["trustAnchorArn"])["tags"]
        assert tags == [{"key": "made-by", "value": "aws-cli"}]

        # Errors: the CLI exits non-zero and names the error type.
        missing = emu.aws_cli("get-trust-anchor", "--trust-anchor-id", "00000000-0000-4000-8000-000000000000")
        assert missing.returncode != 0 and "ResourceNotFoundException" in missing.stderr
        invalid = emu.aws_cli("create-profile", "--name", "bad/name", "--role-arns", role_arn("open"))
        assert invalid.returncode != 0 and "ValidationException" in invalid.stderr
        denied = emu.aws_cli("list-profiles", env_extra={"AWS_SECRET_ACCESS_KEY": "z" * 40})
        assert denied.returncode != 0 and "InvalidSignatureException" in denied.stderr
    finally:
        emu.stop(kill=False)


def test_profile_quota_from_the_configuration(tmp_path):
    emu = RestartableEmulator(tmp_path, write_config(tmp_path / "emulator.toml", {}, quotas={"profiles": 3}))
    emu.start()
    try:
        for i in range(2):  # the demo profile + 2 = 3
            cli_json(emu, "create-profile", "--name", f"p{i}", "--role-arns", role_arn("r"))
        over = emu.aws_cli("create-profile", "--name", "over", "--role-arns", role_arn("r"))
        assert over.returncode != 0 and "ValidationException" in over.stderr and "Quota" in over.stderr
        emu.restart()
        assert len(cli_json(emu, "list-profiles")["profiles"]) == 3
    finally:
        emu.stop(kill=False)
