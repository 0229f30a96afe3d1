"""Every documented error of the control plane with the status the botocore model gives:
unknown ids → 404 ResourceNotFoundException, bad input → 400 ValidationException (also with
boto3's own parameter validation off, so the server's checks are the ones tested), too many
tags → 400 TooManyTagsException, quotas → 400 ValidationException, and bad SigV4 → 403."""

import datetime
import json
import ssl
import urllib.error
import urllib.request

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
import boto3
import botocore.auth

from control_plane_helpers import DemoCa, RestartableEmulator, role_arn

UNKNOWN = "00000000-0000-4000-8000-000000000000"


@pytest.fixture(scope="module")
def emu(tmp_path_factory):
    emulator = RestartableEmulator(tmp_path_factory.mktemp("control-errors"))
    emulator.start()
    yield emulator
    emulator.stop(kill=False)


def unvalidated(emu):
    """A boto3 client that sends whatever it is given (no client-side checks, no retries)."""
    i = emu.info
    return boto3.client("rolesanywhere", endpoint_url=i["endpoint"], region_name=i["region"], verify=i["ca_bundle"],
                        aws_access_key_id=i["admin_access_key_id"], aws_secret_access_key=i["admin_secret_access_key"],
                        config=Config(parameter_validation=False, retries={"max_attempts": 1}))


def error_of(call):
    with pytest.raises(ClientError) as e:
        call()
    r = e.value.response
    assert r["ResponseMetadata"]["HTTPHeaders"].get("x-amzn-errortype") == r["Error"]["Code"]
    assert r["Error"]["Message"]
    return r["Error"]["Code"], r["ResponseMetadata"]["HTTPStatusCode"]


def test_unknown_ids_are_resource_not_found(emu):
    c = unvalidated(emu)
    ta_arn = f"arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/{UNKNOWN}"
    calls = {
        "GetTrustAnchor": lambda: c.get_trust_anchor(trustAnchorId=UNKNOWN),
        "GetTrustAnchor(arn)": lambda: c.get_trust_anchor(trustAnchorId=ta_arn),
        "GetTrustAnchor(alias)": lambda: c.get_trust_anchor(trustAnchorId="arn:aws:rolesanywhere:us-east-1:123456789012:alias/trust-anchor/none"),
        "UpdateTrustAnchor": lambda: c.update_trust_anchor(trustAnchorId=UNKNOWN, name="x"),
        "DeleteTrustAnchor": lambda: c.delete_trust_anchor(trustAnchorId=UNKNOWN),
        "EnableTrustAnchor": lambda: c.enable_trust_anchor(trustAnchorId=UNKNOWN),
        "DisableTrustAnchor": lambda: c.disable_trust_anchor(trustAnchorId=UNKNOWN),
        "GetProfile": lambda: c.get_profile(profileId=UNKNOWN),
        "UpdateProfile": lambda: c.update_profile(profileId=UNKNOWN, name="x"),
        "DeleteProfile": lambda: c.delete_profile(profileId=UNKNOWN),
        "EnableProfile": lambda: c.enable_profile(profileId=UNKNOWN),
        "DisableProfile": lambda: c.disable_profile(profileId=UNKNOWN),
        "PutAttributeMapping": lambda: c.put_attribute_mapping(profileId=UNKNOWN, certificateField="x509Subject", mappingRules=[{"specifier": "CN"}]),
        "DeleteAttributeMapping": lambda: c.delete_attribute_mapping(profileId=UNKNOWN, certificateField="x509Subject"),
        "GetCrl": lambda: c.get_crl(crlId=UNKNOWN),
        "UpdateCrl": lambda: c.update_crl(crlId=UNKNOWN, name="x"),
        "DeleteCrl": lambda: c.delete_crl(crlId=UNKNOWN),
        "EnableCrl": lambda: c.enable_crl(crlId=UNKNOWN),
        "DisableCrl": lambda: c.disable_crl(crlId=UNKNOWN),
        "GetSubject": lambda: c.get_subject(subjectId=UNKNOWN),
        "ListTagsForResource": lambda: c.list_tags_for_resource(resourceArn=ta_arn),
        "TagResource": lambda: c.tag_resource(resourceArn=ta_arn, tags=[{"key": "k", "value": "v"}]),
        "UntagResource": lambda: c.untag_resource(resourceArn=ta_arn, tagKeys=["k"]),
        "PutNotificationSettings": lambda: c.put_notification_settings(trustAnchorId=UNKNOWN, notificationSettings=[]),
        "ResetNotificationSettings": lambda: c.reset_notification_settings(trustAnchorId=UNKNOWN, notificationSettingKeys=[]),
        "ImportCrl": lambda: c.import_crl(name="x", crlData=DemoCa(emu.info).crl([1]), trustAnchorArn=ta_arn),
    }
    for name, call in calls.items():
        assert error_of(call) == ("ResourceNotFoundException", 404), name


def test_bad_input_is_a_validation_exception(emu, tmp_path):
    c = unvalidated(emu)
    ca = DemoCa(emu.info)
    leaf_cert, _, _ = ca.issue_leaf(tmp_path, "not-a-ca")
    bundle = lambda pem: {"sourceType": "CERTIFICATE_BUNDLE", "sourceData": {"x509CertificateData": pem}}
    anchor = c.create_trust_anchor(name="valid", source=bundle(ca.pem))["trustAnchor"]
    profile = c.create_profile(name="valid", roleArns=[role_arn("r")], aliasName="taken")["profile"]
    assert anchor["enabled"] is False and profile["durationSeconds"] == 3600 and profile["aliasName"] == "taken"
    calls = {
        "name pattern": lambda: c.create_trust_anchor(name="a/b", source=bundle(ca.pem)),
        "name length": lambda: c.create_profile(name="n" * 256, roleArns=[]),
        "empty name": lambda: c.create_profile(name="", roleArns=[]),
        "missing name": lambda: c.create_profile(roleArns=[]),
        "wrong type": lambda: c.create_profile(name="x", roleArns="not-a-list"),
        "not PEM": lambda: c.create_trust_anchor(name="x", source=bundle("garbage")),
        "not a CA": lambda: c.create_trust_anchor(name="x", source=bundle(leaf_cert.read_text())),
        "three certificates": lambda: c.create_trust_anchor(name="x", source=bundle(ca.pem * 3)),
        "ACM PCA": lambda: c.create_trust_anchor(name="x", source={"sourceType": "AWS_ACM_PCA", "sourceData": {
            "acmPcaArn": "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/x"}}),
        "source type enum": lambda: c.create_trust_anchor(name="x", source={"sourceType": "NOPE", "sourceData": {"x509CertificateData": ca.pem}}),
        "role ARN": lambda: c.create_profile(name="x", roleArns=["arn:aws:s3:::bucket"]),
        "duration low": lambda: c.create_profile(name="x", roleArns=[], durationSeconds=899),
        "duration high": lambda: c.update_profile(profileId=profile["profileId"], durationSeconds=43201),
        "session policy": lambda: c.update_profile(profileId=profile["profileId"], sessionPolicy="not json"),
        "tip enum": lambda: c.update_profile(profileId=profile["profileId"], tipConfiguration={"status": "MAYBE"}),
        "alias taken": lambda: c.create_profile(name="x", roleArns=[], aliasName="taken"),
        "alias reserved": lambda: c.create_profile(name="x", roleArns=[], aliasName="aws/x"),
        "alias pattern": lambda: c.create_trust_anchor(name="x", source=bundle(ca.pem), aliasName="a//b"),
        "identifier": lambda: c.get_trust_anchor(trustAnchorId="bogus"),
        "subject id": lambda: c.get_subject(subjectId="bogus"),
        "page size": lambda: c.list_trust_anchors(pageSize=0),
        "next token": lambda: c.list_profiles(nextToken="not-a-token"),
        "CRL data": lambda: c.import_crl(name="x", crlData=b"not a crl", trustAnchorArn=anchor["trustAnchorArn"]),
        "CRL update": lambda: c.update_crl(crlId=UNKNOWN, crlData=b"not a crl"),
        "certificate field": lambda: c.put_attribute_mapping(profileId=profile["profileId"], certificateField="x509Nope", mappingRules=[]),
        "specifier": lambda: c.put_attribute_mapping(profileId=profile["profileId"], certificateField="x509SAN", mappingRules=[{"specifier": "IP"}]),
        "delete field": lambda: c.delete_attribute_mapping(profileId=profile["profileId"], certificateField="nope"),
        "threshold": lambda: c.put_notification_settings(trustAnchorId=anchor["trustAnchorId"], notificationSettings=[
            {"enabled": True, "event": "CA_CERTIFICATE_EXPIRY", "threshold": 361}]),
        "event": lambda: c.reset_notification_settings(trustAnchorId=anchor["trustAnchorId"], notificationSettingKeys=[{"event": "NOPE"}]),
        "tag key": lambda: c.tag_resource(resourceArn=anchor["trustAnchorArn"], tags=[{"key": "aws:reserved", "value": "v"}]),
        "tag value": lambda: c.tag_resource(resourceArn=anchor["trustAnchorArn"], tags=[{"key": "k", "value": "no#hash"}]),
        "untag key": lambda: c.untag_resource(resourceArn=anchor["trustAnchorArn"], tagKeys=["k" * 129]),
        "resource ARN": lambda: c.list_tags_for_resource(resourceArn="nope"),
        "body JSON": lambda: c.update_trust_anchor(trustAnchorId=anchor["trustAnchorId"], name=5),
    }
    for name, call in calls.items():
        assert error_of(call) == ("ValidationException", 400), name
    # Nothing invalid was stored.
    assert [p["name"] for p in c.list_profiles()["profiles"]] == ["demo", "valid"]


def test_too_many_tags_and_quotas(emu):
    c = unvalidated(emu)
    pem = DemoCa(emu.info).pem
    bundle = {"sourceType": "CERTIFICATE_BUNDLE", "sourceData": {"x509CertificateData": pem}}
    arn = c.create_trust_anchor(name="tagged", source=bundle)["trustAnchor"]["trustAnchorArn"]
    c.tag_resource(resourceArn=arn, tags=[{"key": f"k{i}", "value": "v"} for i in range(50)])
    assert error_of(lambda: c.tag_resource(resourceArn=arn, tags=[{"key": "one-more", "value": "v"}])) == ("TooManyTagsException", 400)
    assert len(c.list_tags_for_resource(resourceArn=arn)["tags"]) == 50

    # 2 CRLs per trust anchor (not adjustable).
    crl = DemoCa(emu.info).crl([7])
    for i in range(2):
        c.import_crl(name=f"crl{i}", crlData=crl, trustAnchorArn=arn)
    assert error_of(lambda: c.import_crl(name="crl3", crlData=crl, trustAnchorArn=arn)) == ("ValidationException", 400)

    # 250 roles per profile.
    roles = [role_arn(f"r{i}") for i in range(251)]
    assert error_of(lambda: c.create_profile(name="big", roleArns=roles)) == ("ValidationException", 400)
    assert c.create_profile(name="big", roleArns=roles[:250])["profile"]["roleArns"] == roles[:250]

    # 50 trust anchors per account (the default quota).
    count = len(list(c.get_paginator("list_trust_anchors").paginate().search("trustAnchors[]")))
    for i in range(50 - count):
        c.create_trust_anchor(name=f"fill {i}", source=bundle)
    assert error_of(lambda: c.create_trust_anchor(name="over", source=bundle)) == ("ValidationException", 400)
    assert len(list(c.get_paginator("list_trust_anchors").paginate().search("trustAnchors[]"))) == 50


def raw(emu, method, path, body=b"", sign=True, service="rolesanywhere", region=None, key=None, secret=None, token=None):
    """A request signed (or not) by botocore's own SigV4 signer, sent with urllib."""
    i = emu.info
    url = i["endpoint"] + path
    headers = {"Content-Type": "application/json"}
    req = AWSRequest(method=method, url=url, data=body, headers=headers)
    if sign:
        creds = Credentials(key or i["admin_access_key_id"], secret or i["admin_secret_access_key"], token)
        SigV4Auth(creds, service, region or i["region"]).add_auth(req)
    prepared = req.prepare()
    ctx = ssl.create_default_context(cafile=i["ca_bundle"])
    r = urllib.request.Request(url, data=body or None, method=method, headers=dict(prepared.headers))
    try:
        with urllib.request.urlopen(r, context=ctx, timeout=10) as resp:
            return resp.status, resp.headers.get("x-amzn-ErrorType"), json.loads(resp.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("x-amzn-ErrorType"), json.loads(e.read() or b"{}")


def test_bad_sigv4_is_403(emu, monkeypatch):
    assert raw(emu, "GET", "/trustanchors")[0] == 200
    cases = {
        "unsigned": (dict(sign=False), "MissingAuthenticationTokenException"),
        "wrong secret": (dict(secret="x" * 40), "InvalidSignatureException"),
        "unknown key": (dict(key="AKIAUNKNOWNKEY000000"), "UnrecognizedClientException"),
        "wrong service": (dict(service="iam"), "InvalidSignatureException"),
        "wrong region": (dict(region="eu-west-1"), "InvalidSignatureException"),
        "session token on a long-term key": (dict(token="FwoGZXIvYXdzE"), "UnrecognizedClientException"),
    }
    for name, (kwargs, error_type) in cases.items():
        status, header, body = raw(emu, "GET", "/trustanchors", **kwargs)
        assert (status, header) == (403, error_type), name
        assert body["message"], name
    # A body changed after signing.
    i = emu.info
    req = AWSRequest(method="POST", url=i["endpoint"] + "/profiles", data=b'{"name":"a","roleArns":[]}',
                     headers={"Content-Type": "application/json"})
    SigV4Auth(Credentials(i["admin_access_key_id"], i["admin_secret_access_key"]), "rolesanywhere", i["region"]).add_auth(req)
    headers = dict(req.prepare().headers)
    tampered = urllib.request.Request(i["endpoint"] + "/profiles", data=b'{"name":"b","roleArns":[]}', method="POST", headers=headers)
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(tampered, context=ssl.create_default_context(cafile=i["ca_bundle"]), timeout=10)
    assert e.value.code == 403 and e.value.headers["x-amzn-ErrorType"] == "InvalidSignatureException"
    # boto3 with a wrong secret sees the same.
    bad = emu.client(secret="y" * 40)
    assert error_of(lambda: bad.list_profiles()) == ("InvalidSignatureException", 403)
    # An X-Amz-Date outside the 5-minute window.
    old = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) - datetime.timedelta(minutes=20)
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: old)
    req = AWSRequest(method="GET", url=i["endpoint"] + "/crls", headers={})
    SigV4Auth(Credentials(i["admin_access_key_id"], i["admin_secret_access_key"]), "rolesanywhere", i["region"]).add_auth(req)
    stale = urllib.request.Request(i["endpoint"] + "/crls", method="GET", headers=dict(req.prepare().headers))
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(stale, context=ssl.create_default_context(cafile=i["ca_bundle"]), timeout=10)
    assert e.value.code == 403 and e.value.headers["x-amzn-ErrorType"] == "InvalidSignatureException"
    assert "expired" in json.loads(e.value.read())["message"].lower()
