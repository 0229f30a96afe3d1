"""The control plane (issue 4) through real boto3, with a restart of the emulator between
every step: anchors, profiles, attribute mappings changing the principal tags CreateSession
maps, CRLs changing its revocation answer, subjects, tags, notification settings, and
metrics. CreateSession goes through our client (`roles-anywhere credential-process`).

Principal tags are observed as IAM observes them: roles (declared in the configuration
file, as IAM is not the control plane's) whose trust policies require
`aws:PrincipalTag/x509Subject/OU` or `/CN`; a tag that the profile's mapping drops makes the
condition false and CreateSession answer AccessDenied (User Guide, "Attribute mapping and
trust policy")."""

import json
import ssl
import urllib.request

import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import serialization

from control_plane_helpers import ACCOUNT, RestartableEmulator, DemoCa, role_arn, trust_policy, write_config

OU = "control-plane-tests"


@pytest.fixture
def emu(tmp_path):
    roles = {
        "ou-gated": trust_policy({"StringEquals": {"aws:PrincipalTag/x509Subject/OU": OU}}),
        "cn-gated": trust_policy({"StringEquals": {"aws:PrincipalTag/x509Subject/CN": "alice"}}),
        "open": trust_policy({"StringEquals": {"aws:SourceAccount": ACCOUNT}}),
    }
    emulator = RestartableEmulator(tmp_path, write_config(tmp_path / "emulator.toml", roles))
    emulator.start()
    yield emulator
    emulator.stop(kill=False)


def error_of(call):
    with pytest.raises(ClientError) as e:
        call()
    return e.value.response["Error"]["Code"], e.value.response["ResponseMetadata"]["HTTPStatusCode"]


def metrics(emu) -> str:
    ctx = ssl.create_default_context(cafile=emu.info["ca_bundle"])
    with urllib.request.urlopen(emu.info["endpoint"] + "/metrics", context=ctx, timeout=10) as r:
        assert r.headers["Content-Type"].startswith("text/plain")
        return r.read().decode()


def test_control_plane_drives_create_session_across_restarts(emu, tmp_path):
    ca = DemoCa(emu.info)
    alice_cert, alice_key, alice_serial = ca.issue_leaf(tmp_path, "alice", OU)
    bob_cert, bob_key, _ = ca.issue_leaf(tmp_path, "bob", OU)

    # Step 1: a trust anchor from a PEM bundle (the demo root CA).
    anchor = emu.client().create_trust_anchor(
        name="api anchor", enabled=True, source={"sourceType": "CERTIFICATE_BUNDLE", "sourceData": {"x509CertificateData": ca.pem}},
        tags=[{"key": "team", "value": "platform"}])["trustAnchor"]
    assert anchor["enabled"] is True and anchor["source"]["sourceType"] == "CERTIFICATE_BUNDLE"
    emu.restart()
    got = emu.client().get_trust_anchor(trustAnchorId=anchor["trustAnchorId"])["trustAnchor"]
    assert got["trustAnchorArn"] == anchor["trustAnchorArn"] and got["name"] == "api anchor"
    assert got["source"]["sourceData"]["x509CertificateData"] == ca.pem

    # Step 2: a profile with every setting of the issue.
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})
    profile = emu.client().create_profile(
        name="api profile", enabled=True, roleArns=[role_arn("ou-gated"), role_arn("cn-gated"), role_arn("open")],
        durationSeconds=1800, sessionPolicy=policy, managedPolicyArns=["arn:aws:iam::aws:policy/ReadOnlyAccess"],
        acceptRoleSessionName=True, requireInstanceProperties=False)["profile"]
    emu.restart()
    got = emu.client().get_profile(profileId=profile["profileArn"])["profile"]
    assert got["durationSeconds"] == 1800 and got["sessionPolicy"] == policy
    assert got["managedPolicyArns"] == ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
    assert got["acceptRoleSessionName"] is True and got["requireInstanceProperties"] is False
    assert {m["certificateField"] for m in got["attributeMappings"]} == {"x509Subject", "x509Issuer", "x509SAN"}

    ta_arn, p_arn = anchor["trustAnchorArn"], profile["profileArn"]

    def session(role, cert=alice_cert, key=alice_key):
        return emu.create_session(cert, key, ta_arn, p_arn, role_arn(role))

    # Default mapping: OU and CN are principal tags.
    for role in ("ou-gated", "cn-gated", "open"):
        r = session(role)
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout)["AccessKeyId"].startswith("ASIA")
    assert session("cn-gated", bob_cert, bob_key).returncode != 0  # bob's CN is not alice

    # Step 3: a mapping keeping only CN of the subject: the OU tag is gone.
    mapped = emu.client().put_attribute_mapping(profileId=profile["profileId"], certificateField="x509Subject",
                                                mappingRules=[{"specifier": "CN"}])["profile"]
    subject_rules = [m for m in mapped["attributeMappings"] if m["certificateField"] == "x509Subject"]
    assert subject_rules == [{"certificateField": "x509Subject", "mappingRules": [{"specifier": "CN"}]}]
    emu.restart()
    denied = session("ou-gated")
    assert denied.returncode != 0 and "AccessDenied" in denied.stderr
    assert session("cn-gated").returncode == 0
    assert session("open").returncode == 0

    # Step 4: OU mapped again, then deleted by DeleteAttributeMapping.
    emu.client().put_attribute_mapping(profileId=p_arn, certificateField="x509Subject",
                                       mappingRules=[{"specifier": "CN"}, {"specifier": "OU"}])
    emu.restart()
    assert session("ou-gated").returncode == 0
    after = emu.client().delete_attribute_mapping(profileId=profile["profileId"], certificateField="x509Subject",
                                                  specifiers=["OU"])["profile"]
    assert [m["mappingRules"] for m in after["attributeMappings"] if m["certificateField"] == "x509Subject"] == [[{"specifier": "CN"}]]
    emu.restart()
    assert session("ou-gated").returncode != 0
    emu.client().put_attribute_mapping(profileId=p_arn, certificateField="x509Subject", mappingRules=[{"specifier": "*"}])

    # Step 5: ListSubjects / GetSubject show the authentications (graceful stop: subjects
    # are recorded on every CreateSession and flushed lazily).
    emu.restart(kill=False)
    subjects = emu.client().list_subjects()["subjects"]
    alice = [s for s in subjects if "CN=alice" in s["x509Subject"]]
    assert len(alice) == 1 and "credentials" not in alice[0]
    detail = emu.client().get_subject(subjectId=alice[0]["subjectId"])["subject"]
    assert str(alice_serial) in [c["serialNumber"] for c in detail["credentials"]]
    assert detail["lastSeenAt"] >= detail["createdAt"]

    # Step 6: a CRL (PEM) revoking alice: refused at the next CreateSession; bob is not.
    crl = emu.client().import_crl(name="root crl", crlData=ca.crl([alice_serial]), trustAnchorArn=ta_arn, enabled=True)["crl"]
    assert crl["enabled"] is True and crl["trustAnchorArn"] == ta_arn
    emu.restart()
    revoked = session("open")
    assert revoked.returncode != 0 and "AccessDenied" in revoked.stderr
    assert session("open", bob_cert, bob_key).returncode == 0
    emu.client().disable_crl(crlId=crl["crlId"])
    emu.restart()
    assert session("open").returncode == 0
    # The same list as DER, through UpdateCrl, enabled again: refused again.
    der = ca.crl([alice_serial], encoding=serialization.Encoding.DER)
    emu.client().update_crl(crlId=crl["crlArn"], crlData=der, name="root crl der")
    emu.client().enable_crl(crlId=crl["crlId"])
    emu.restart()
    assert emu.client().get_crl(crlId=crl["crlId"])["crl"]["name"] == "root crl der"
    assert session("open").returncode != 0

    # Step 7: disabling the anchor refuses everyone; enabling restores.
    emu.client().disable_trust_anchor(trustAnchorId=anchor["trustAnchorId"])
    emu.restart()
    assert session("open", bob_cert, bob_key).returncode != 0
    emu.client().enable_trust_anchor(trustAnchorId=anchor["trustAnchorId"])
    emu.restart()
    assert session("open", bob_cert, bob_key).returncode == 0

    # Step 8: tags.
    c = emu.client()
    c.tag_resource(resourceArn=p_arn, tags=[{"key": "env", "value": "test"}, {"key": "owner", "value": "ci"}])
    c.untag_resource(resourceArn=ta_arn, tagKeys=["team"])
    emu.restart()
    c = emu.client()
    assert sorted(t["key"] for t in c.list_tags_for_resource(resourceArn=p_arn)["tags"]) == ["env", "owner"]
    assert c.list_tags_for_resource(resourceArn=ta_arn)["tags"] == []

    # Step 9: notification settings stored and returned, then reset to the defaults.
    put = c.put_notification_settings(trustAnchorId=anchor["trustAnchorId"], notificationSettings=[
        {"enabled": True, "event": "CA_CERTIFICATE_EXPIRY", "threshold": 30, "channel": "ALL"}])["trustAnchor"]
    ca_setting = [s for s in put["notificationSettings"] if s["event"] == "CA_CERTIFICATE_EXPIRY"]
    assert ca_setting == [{"enabled": True, "event": "CA_CERTIFICATE_EXPIRY", "threshold": 30, "channel": "ALL", "configuredBy": ACCOUNT}]
    emu.restart()
    c = emu.client()
    got = c.get_trust_anchor(trustAnchorId=anchor["trustAnchorId"])["trustAnchor"]["notificationSettings"]
    assert [s["threshold"] for s in got if s["event"] == "CA_CERTIFICATE_EXPIRY"] == [30]
    reset = c.reset_notification_settings(trustAnchorId=anchor["trustAnchorId"], notificationSettingKeys=[
        {"event": "CA_CERTIFICATE_EXPIRY", "channel": "ALL"}])["trustAnchor"]["notificationSettings"]
    assert [(s["threshold"], s["configuredBy"]) for s in reset if s["event"] == "CA_CERTIFICATE_EXPIRY"] == [(45, "rolesanywhere.amazonaws.com")]

    # Step 10: metrics count this process's CreateSession outcomes and show DaysToExpiry.
    emu.client().disable_trust_anchor(trustAnchorId=ta_arn)
    assert session("open", bob_cert, bob_key).returncode != 0
    assert session("open", bob_cert, bob_key).returncode != 0
    emu.client().enable_trust_anchor(trustAnchorId=ta_arn)
    assert session("open", bob_cert, bob_key).returncode == 0
    text = metrics(emu)
    assert 'rolesanywhere_success_total{operation="CreateSession"} 1\n' in text
    assert 'rolesanywhere_failure_total{operation="CreateSession",error_type="AccessDeniedException"} 2\n' in text
    assert 'rolesanywhere_success_total{operation="EnableTrustAnchor"} 1\n' in text
    expiry = [line for line in text.splitlines() if line.startswith("rolesanywhere_days_to_expiry") and ta_arn in line]
    assert len(expiry) == 1 and int(expiry[0].rsplit(" ", 1)[1]) > 365

    # Step 11: deletion is durable too.
    emu.client().delete_crl(crlId=crl["crlId"])
    emu.client().delete_profile(profileId=profile["profileId"])
    emu.client().delete_trust_anchor(trustAnchorId=anchor["trustAnchorId"])
    emu.restart()
    c = emu.client()
    assert error_of(lambda: c.get_profile(profileId=profile["profileId"])) == ("ResourceNotFoundException", 404)
    assert error_of(lambda: c.get_trust_anchor(trustAnchorId=ta_arn)) == ("ResourceNotFoundException", 404)
    assert error_of(lambda: c.get_crl(crlId=crl["crlId"])) == ("ResourceNotFoundException", 404)
    assert emu.starts >= 15
